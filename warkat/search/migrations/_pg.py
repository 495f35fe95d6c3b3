"""What the search migrations share (a module Django's migration loader skips: its
name starts with ``_``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations


def postgresql_only(
    forward: Sequence[str], backward: Sequence[str]
) -> migrations.RunPython:
    """An operation running ``forward`` (undone by ``backward``), statement by
    statement, on PostgreSQL only: SQLite's search is FTS5 (migration 0002)."""

    def run(statements: Sequence[str]) -> Any:
        def apply(apps: Any, schema_editor: Any) -> None:
            if schema_editor.connection.vendor == "postgresql":
                for sql in statements:
                    schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(backward))
