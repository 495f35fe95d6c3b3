"""``core.memo``: reads repeated by one action's items, done once per action."""

from __future__ import annotations

import pytest

from warkat.core.memo import memo_scope, per_action

calls: list[tuple[int, str]] = []


@per_action
def _read(n: int, *, label: str = "") -> tuple[int, str]:
    calls.append((n, label))
    return n, label


def test_outside_a_scope_every_call_runs() -> None:
    calls.clear()
    _read(1)
    _read(1)
    assert calls == [(1, ""), (1, "")]


def test_inside_a_scope_each_distinct_call_runs_once() -> None:
    calls.clear()
    with memo_scope():
        assert _read(1) == (1, "")
        assert _read(1) == (1, "")
        _read(2)
        _read(1, label="a")
        _read(1, label="a")
        with memo_scope():  # a nested scope shares the outer one's results
            _read(2)
    assert calls == [(1, ""), (2, ""), (1, "a")]
    _read(1)  # the scope ended: nothing is kept
    assert calls[-1] == (1, "")
    assert len(calls) == 4


def test_an_exception_is_not_kept() -> None:
    runs: list[int] = []

    @per_action
    def flaky(n: int) -> int:
        runs.append(n)
        if len(runs) == 1:
            raise ValueError(n)
        return n

    with memo_scope():
        with pytest.raises(ValueError):
            flaky(1)
        assert flaky(1) == 1
        assert flaky(1) == 1
    assert runs == [1, 1]
