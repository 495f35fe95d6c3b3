"""Incoming letters and dispositions (issue 3): the Bupati's inbox and a letter with a
30-node disposition tree, on an empty tenant and on a loaded one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.run import Dataset, Scenario


def _inbox(path: str) -> Callable[[Dataset], Callable[[], Any]]:
    def prepare(ds: Dataset) -> Callable[[], Any]:
        client = ds.clients["bupati"]
        return lambda: client.get(path)

    return prepare


def _tree_letter(api: bool) -> Callable[[Dataset], Callable[[], Any]]:
    def prepare(ds: Dataset) -> Callable[[], Any]:
        from bench.letterdata import tree_letter

        letter = tree_letter(tenant=ds.tenant)
        client = ds.clients["bupati"]
        path = f"/api/v1/letters/{letter.pk}" if api else f"/surat/{letter.pk}/"
        return lambda: client.get(path)

    return prepare


SCENARIOS = [
    Scenario("inbox first page", "letters", _inbox("/surat/masuk/")),
    Scenario("API inbox first page", "letters", _inbox("/api/v1/inbox")),
    Scenario("letter page, 30-node tree", "letters", _tree_letter(api=False)),
    Scenario("API letter, 30-node tree", "letters", _tree_letter(api=True)),
]
