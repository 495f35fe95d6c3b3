"""The leader's pages and the units API: scope (a position sees only its subtree),
ranking, drill-down to the letters behind a figure with secrecy kept, bad input."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.dashboard.scope import leader_scope
from warkat.dashboard.tests.history import at, build_history
from warkat.letters.tests.factories import client_for, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(o: SimpleNamespace, frozen: Any) -> dict:
    """The history, then Thursday 10:00 (after the morning refresh)."""
    h = build_history(o, frozen)
    frozen.move_to(at(h["days"][3], 10))
    return h


def scope_names(user: Any) -> set[str]:
    return {u.name for u in leader_scope(user=user).units.values()}


def test_each_position_covers_its_subtree_only(o: SimpleNamespace) -> None:
    assert scope_names(o.users.kabid_a) == {"Bidang Aplikasi"}
    assert scope_names(o.users.kadis) == {
        "Dinas Komunikasi dan Informatika", "Bidang Aplikasi", "Bidang Statistik",
    }  # fmt: skip
    # The Sekda heads no unit but the heads of both dinas report to the Sekda.
    assert scope_names(o.users.sekda) == {
        "Dinas Komunikasi dan Informatika", "Bidang Aplikasi", "Bidang Statistik",
        "Dinas Kesehatan",
    }  # fmt: skip
    assert o.root.name in scope_names(o.users.bupati)
    assert o.root.name in scope_names(o.users.admin)
    assert scope_names(o.users.staf_a) == set()


def test_api_units_gives_own_and_subtree_figures(
    o: SimpleNamespace, history: dict
) -> None:
    mon, _tue, wed, _thu = history["days"]
    response = client_for(o.users.kadis).get(
        "/api/v1/dashboard/units", {"from": str(mon), "to": str(wed)}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["date_from"], data["date_to"]) == (str(mon), str(wed))
    units = {u["name"]: u for u in data["units"]}
    assert set(units) == scope_names(o.users.kadis)
    dinas = units["Dinas Komunikasi dan Informatika"]
    assert dinas["own"]["letters_in"] == 2
    assert dinas["own"]["disp_received"] == 0
    assert dinas["subtree"]["disp_received"] == 2
    # Kabid Statistik's disposition (due Tuesday) was still open on Wednesday night.
    assert units["Bidang Statistik"]["own"]["overdue_at_end"] == 1
    assert dinas["subtree"]["overdue_at_end"] == 1
    assert units["Bidang Aplikasi"]["own"]["on_time_share"] == 1.0
    assert dinas["subtree"]["on_time_share"] == 0.5
    assert units["Bidang Aplikasi"]["own"]["read_median_hours"] == 25.0
    # The answer is written as JSON directly: it must be what the OpenAPI says,
    # field for field (the schema validates it and dumps it back unchanged).
    from warkat.dashboard.api import FiguresOut, UnitFiguresOut, UnitsOut

    assert UnitsOut.model_validate(data).model_dump(mode="json") == data
    for unit in data["units"]:
        assert list(unit) == list(UnitFiguresOut.model_fields)
        assert (
            list(unit["own"]) == list(unit["subtree"]) == list(FiguresOut.model_fields)
        )
    # The Kabid sees their bidang only.
    kabid = client_for(o.users.kabid_a).get("/api/v1/dashboard/units").json()
    assert [u["name"] for u in kabid["units"]] == ["Bidang Aplikasi"]


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-11-05", "to": "2026-11-01"},
        {"from": "kemarin"},
        {"from": "2024-01-01", "to": "2026-11-01"},
    ],
)
def test_api_units_bad_period_is_a_clear_422(o: SimpleNamespace, query: dict) -> None:
    response = client_for(o.users.kadis).get("/api/v1/dashboard/units", query)
    assert response.status_code == 422
    body = response.json()
    assert body["code"].startswith("dashboard.period")
    assert body["message"] and body["message_en"]


def test_staff_without_a_subtree_get_403_everywhere(o: SimpleNamespace) -> None:
    client = client_for(o.users.staf_a)
    assert client.get("/api/v1/dashboard/units").status_code == 403
    assert client.get("/dasbor/").status_code == 403
    assert client.get("/dasbor/dinding/").status_code == 403


def test_overview_ranks_units_and_draws_charts(
    o: SimpleNamespace, history: dict, django_assert_max_num_queries: Any
) -> None:
    client = client_for(o.users.kadis)
    # A fixed number whatever the data (PostgreSQL adds two set_config calls).
    with django_assert_max_num_queries(22):
        response = client.get("/dasbor/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 3
    # Bidang Statistik (1 overdue) is ranked above Bidang Aplikasi (0).
    assert html.index("Bidang Statistik") < html.index("Bidang Aplikasi")
    assert "Sekretaris Dinas Kominfo" in html  # the positions of the dinas
    assert "<script" not in html.split("</head>")[1]


def test_drill_down_to_unit_position_and_letters(
    o: SimpleNamespace, history: dict
) -> None:
    client = client_for(o.users.kadis)
    page = client.get(f"/dasbor/unit/{o.bid_b.pk}/")
    assert page.status_code == 200
    assert "Kabid Statistik" in page.content.decode()
    letters = client.get(f"/dasbor/jabatan/{o.pos.kabid_b.pk}/").content.decode()
    assert "Laporan statistik sektoral" in letters
    # Out of the Kabid's subtree: the other bidang, its position, another dinas.
    kabid = client_for(o.users.kabid_a)
    assert kabid.get(f"/dasbor/unit/{o.bid_b.pk}/").status_code == 404
    assert kabid.get(f"/dasbor/jabatan/{o.pos.kabid_b.pk}/").status_code == 404
    assert kabid.get(f"/dasbor/unit/{o.other.pk}/").status_code == 404


def test_secret_letters_behind_a_figure_are_counted_never_named(
    o: SimpleNamespace, frozen: Any
) -> None:
    from django.utils import timezone

    from warkat.dispositions.services.create import disposition_create

    with timezone.override("Asia/Jayapura"):
        secret = register(o, subject="Rahasia: mutasi pejabat", security="rahasia")
        disposition_create(
            actor=o.users.kadis, letter=secret, to_position_ids=[o.pos.kabid_b.pk],
            instructions=["Tindak lanjuti"], deadline=dt.date(2026, 11, 5),
        )  # fmt: skip
    # The Sekda is above the chain but not in it: the letter is only counted.
    page = client_for(o.users.sekda).get(f"/dasbor/jabatan/{o.pos.kabid_b.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "mutasi" not in html
    assert ": 1." in html
    # The Kepala Dinas disposed it (in the chain): named.
    own = client_for(o.users.kadis).get(f"/dasbor/jabatan/{o.pos.kabid_b.pk}/")
    assert "Rahasia: mutasi pejabat" in own.content.decode()


def test_wall_refreshes_itself(o: SimpleNamespace, history: dict) -> None:
    response = client_for(o.users.bupati).get("/dasbor/dinding/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'http-equiv="refresh"' in html
    assert html.count("<svg") == 3


def test_home_links_to_the_command_centre_only_for_who_may_open_it(
    o: SimpleNamespace,
) -> None:
    overview = "/dasbor/"
    for user, shown in ((o.users.kadis, True), (o.users.staf_a, False)):
        client = client_for(user)
        home = client.get("/").content.decode()
        assert (f'href="{overview}"' in home) is shown, user
        assert (client.get(overview).status_code == 200) is shown, user


def test_who_leads_nothing_is_known_without_reading_every_unit(
    o: SimpleNamespace,
) -> None:
    # The home page asks on every view: staff who head nothing and have no one
    # below them must not cost the chain of command and the whole unit tree.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert not leader_scope(user=o.users.staf_a)
    read = [q["sql"] for q in queries.captured_queries]
    assert not any(sql.startswith('SELECT "org_unit".') for sql in read), read
    assert len(read) <= 3, read


def test_cached_figures_last_until_the_figures_change(
    o: SimpleNamespace,
    history: dict,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """With the cache on, a second request reuses the summed figures; a rebuild
    moves the tenant's version on when it commits and the next request sums again.
    Another leader's request for another subtree never gets these figures."""
    from warkat.dashboard.models import UnitDay
    from warkat.dashboard.rebuild import figures_rebuild

    settings.WARKAT_DASHBOARD_CACHE = 300
    mon, _tue, wed, _thu = history["days"]
    query = {"from": str(mon), "to": str(wed)}

    def letters_in() -> int:
        data = client_for(o.users.kadis).get("/api/v1/dashboard/units", query).json()
        return {u["name"]: u for u in data["units"]}[
            "Dinas Komunikasi dan Informatika"
        ]["own"]["letters_in"]

    assert letters_in() == 2
    UnitDay.objects.filter(unit=o.dinas, day=mon).update(letters_in=7)
    assert letters_in() == 2  # cached
    kabid = client_for(o.users.kabid_a).get("/api/v1/dashboard/units", query).json()
    assert [u["name"] for u in kabid["units"]] == ["Bidang Aplikasi"]
    with django_capture_on_commit_callbacks(execute=True):
        figures_rebuild(tenant=o.tenant, first=mon, last=mon)
    assert letters_in() == 2  # recomputed from the letters: the 7 was never real
    UnitDay.objects.filter(unit=o.dinas, day=mon).update(letters_in=9)
    with django_capture_on_commit_callbacks(execute=True):
        from warkat.dashboard.cache import figures_changed

        figures_changed(tenant_id=o.tenant.pk)
    assert letters_in() == 9


def test_a_cached_scope_lasts_until_the_organisation_changes(
    o: SimpleNamespace, settings: Any
) -> None:
    """With the cache on, a leader's subtree is read once per organisation version:
    a new unit below the dinas (or a renamed one) is in the next request's scope."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from warkat.accounts.models import User
    from warkat.org.services.units import unit_update
    from warkat.org.tests import factories as org

    settings.WARKAT_DASHBOARD_CACHE = 300

    def names() -> set[str]:
        # A fresh user each time: the scope is also kept on the user for a request.
        return scope_names(User.objects.get(pk=o.users.kadis.pk))

    before = names()
    with CaptureQueriesContext(connection) as queries:
        assert names() == before
    assert not any('FROM "org_unit"' in q["sql"] for q in queries.captured_queries)
    org.unit(o.tenant, o.dinas, kind="bidang", name="Bidang Baru", code="KOMINFO.BARU")
    assert names() == before | {"Bidang Baru"}
    unit_update(unit=o.bid_a, actor=None, name="Bidang Aplikasi Informatika")
    assert "Bidang Aplikasi Informatika" in names()
    # Another leader's scope is its own.
    assert "Bidang Baru" not in scope_names(User.objects.get(pk=o.users.kabid_a.pk))
