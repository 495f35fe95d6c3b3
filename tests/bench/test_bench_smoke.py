"""The benchmark generator and runner work at a tiny size (the real runs are
``make bench``; they never run in the test suite)."""

from __future__ import annotations

from typing import Any

import pytest

from bench.generate import Shape, tenant_generate
from bench.run import Dataset, run_group, signed_in_client
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
