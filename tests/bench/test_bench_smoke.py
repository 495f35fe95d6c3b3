"""The benchmark generator and runner work at a tiny size (the real runs are
``make bench``; they never run in the test suite)."""

from __future__ import annotations

from typing import Any

import pytest

from bench.generate import Shape, tenant_generate
from bench.run import run_group, signed_in_client
from bench.scenario import Dataset
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.nip import nip_parse
from warkat.tenancy.scope import tenant_scope


@pytest.fixture
def small(db: Any) -> Any:
    return tenant_generate(shape=Shape(people=40))


def test_generated_organisation_is_consistent(small: Any) -> None:
    assert tenant_generate(shape=Shape(people=40)) == small  # found, not regenerated
    with tenant_scope(small):
        units = {u.pk: u for u in Unit.objects.all()}
        for unit in units.values():
            parent = units.get(unit.parent_id) if unit.parent_id else None
            assert unit.path == f"{parent.path if parent else ''}{unit.pk}/"
            assert unit.depth == (parent.depth + 1 if parent else 0)
        people = list(Person.objects.all())
        assert len(people) == 40
        for person in people:
            if person.employee_type in {"pns", "pppk"}:
                info = nip_parse(person.nip, employee_type=person.employee_type)
                assert info.birth_date == person.birth_date
                assert info.sex == person.sex
        assert Assignment.objects.filter(kind="definitif").count() == 40
        # Everyone below the Bupati reports to somebody.
        assert list(
            Position.objects.filter(superior=None).values_list("code", flat=True)
        ) == ["BUPATI"]


def test_runner_measures_requests(small: Any, capsys: Any) -> None:
    from bench.scenarios.org import SCENARIOS

    ds = Dataset("tiny", small)
    ds.clients["admin"] = signed_in_client(f"admin.{small.slug}")
    rows = run_group("smoke", [ds], SCENARIOS, iterations=2, warmup=1)
    assert set(rows) == {s.name for s in SCENARIOS}
    for (result,) in rows.values():
        assert result is not None
        assert result.p50_ms > 0 and result.queries[0] > 0
    assert "smoke" in capsys.readouterr().out


def test_generated_letters_keep_the_services_invariants(db: Any) -> None:
    from bench.letterdata import TREE_SUBJECT
    from warkat.dispositions.models import Disposition
    from warkat.letters.models import AgendaCounter, Letter

    tenant = tenant_generate(shape=Shape(people=120, letters=12, dispositions=30))
    with tenant_scope(tenant):
        letters = list(Letter.objects.all())
        assert len(letters) == 13
        for year in {letter.agenda_year for letter in letters}:
            numbers = sorted(x.agenda_number for x in letters if x.agenda_year == year)
            assert numbers == list(range(1, len(numbers) + 1))  # no gaps, no repeats
            counter = AgendaCounter.objects.get(unit=letters[0].unit, year=year)
            assert counter.last_number == numbers[-1]
        assert Disposition.objects.filter(letter__subject=TREE_SUBJECT).count() == 30
        # A chain stops early where a position has nobody below it.
        assert 12 + 30 <= Disposition.objects.count() <= 30 + 30
        for d in Disposition.objects.select_related("parent"):
            assert d.parent is None or d.parent.to_position_id == d.from_position_id


def test_runner_leaves_the_measured_data_as_it_found_it(
    db: Any, monkeypatch: Any, capsys: Any
) -> None:
    """Scenarios that write (registering letters to dispose, a 30-node tree) run in a
    transaction that is rolled back: a second run measures the same data."""
    from bench import letters
    from warkat.dispositions.models import Disposition
    from warkat.letters.models import Letter

    monkeypatch.setattr(letters, "PREPARED_DISPOSALS", 4)
    tenant = tenant_generate(shape=Shape(people=120))
    ds = Dataset("tiny", tenant)
    ds.clients["admin"] = signed_in_client(f"admin.{tenant.slug}")
    ds.clients["bupati"] = signed_in_client(f"bupati.{tenant.slug}")
    writing = [
        s
        for s in letters.SCENARIOS
        if s.name.startswith(("API disposition", "API letter"))
    ]
    assert len(writing) == 2
    with tenant_scope(tenant):
        before = (Letter.objects.count(), Disposition.objects.count())
    for _ in range(2):
        rows = run_group("smoke", [ds], writing, iterations=2, warmup=1)
        assert all(result is not None for (result,) in rows.values())
        with tenant_scope(tenant):
            assert (Letter.objects.count(), Disposition.objects.count()) == before
        assert ds.extra == {}


def test_dashboard_scenarios_run_after_a_rebuild(db: Any, capsys: Any) -> None:
    from bench.scenarios import dashboard

    tenant = tenant_generate(shape=Shape(people=40, letters=60, dispositions=150))
    ds = Dataset("tiny", tenant)
    ds.clients["admin"] = signed_in_client(f"admin.{tenant.slug}")
    ds.clients["bupati"] = signed_in_client(f"bupati.{tenant.slug}")
    assert dashboard.figures_prepare(ds, days=400) > 0
    rows = run_group("smoke", [ds], dashboard.SCENARIOS, iterations=2, warmup=1)
    assert set(rows) == {s.name for s in dashboard.SCENARIOS}
    from warkat.dashboard.models import UnitDay

    with tenant_scope(tenant):
        assert UnitDay.objects.filter(disp_received__gt=0).exists()


def test_ocr_benchmark_prints_pages_per_minute_cpu_and_the_target() -> None:
    from bench.bench_ocr import Run, recall, table

    def run(mode: str, searchable_s: float) -> Run:
        return Run(
            mode,
            pages=10,
            register_s=0.5,
            first_s=1.5,
            searchable_s=searchable_s,
            done_s=20.0,
            cpu_searchable=6.0,
            cpu_done=12.0,
            load=1.0,
            recall=0.98,
            found=True,
        )

    lines = table([run("now", 9.5), run("before", 70.0)]).splitlines()
    assert "pages/min" in lines[0] and "CPU s/page all" in lines[0]
    # searchable 10.0 s: 60 pages/min; 0.6 and 1.2 CPU s a page; two idle cores
    # 0.5 + 6 / 2 and 0.5 + 12 / 2 s; 98 % of the words.
    assert lines[2].split()[-9:] == [
        "10.0",
        "20.5",
        "60.0",
        "0.60",
        "1.20",
        "3.5",
        "6.5",
        "98.0%",
        "ok",
    ]
    assert lines[3].split()[-1] == "OVER"
    assert recall("Surat dari surat", [["surat surat", "dari Skofro"]]) == 0.75


def test_load_test_people_can_sign_in_and_check_in_at_their_office(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """``bench.cluster_seed --people``: the generated accounts are valid for the app
    (password, token, role) and each person's office takes their check-in unflagged."""
    from bench.cluster_people import people_seed
    from bench.cluster_seed import PASSWORD
    from warkat.accounts.models import User
    from warkat.accounts.selectors import api_token_resolve
    from warkat.attendance.checkin import checkin_record
    from warkat.letters.tests.factories import build_org
    from warkat.tenancy.services import tenant_create

    tenant = tenant_create(region_code="91.11", actor=None, build_regions=False)
    with tenant_scope(tenant):
        o = build_org(tenant, prefix="LT")
        people = people_seed(
            tenant=tenant, people=60, password=PASSWORD, head=o.pos.bupati
        )
        assert len(people) == 60
        assert 0 < sum(p["totp"] for p in people) < 60  # the heads have authenticators
        theirs = sum(1 for u in vars(o.users).values() if u.person_id)
        assert Person.objects.count() == 60 + theirs
        for entry in people[::7]:
            user = User.objects.get(username=entry["username"])
            assert user.check_password(PASSWORD) and not user.must_change_password
            assert user.roles.filter(role="staf").exists()
            token = api_token_resolve(raw=entry["token"])
            assert token is not None and token.user_id == user.pk
            with django_capture_on_commit_callbacks(execute=True):
                result = checkin_record(
                    actor=user, latitude=entry["lat"], longitude=entry["lon"],
                    accuracy_m=15, client_key=f"t-{user.pk}",
                )  # fmt: skip
            assert result.created and not result.record.flags, result.record.flags
