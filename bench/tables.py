"""Plain-text tables for the benchmarks' output."""

from __future__ import annotations


def rows_table(headers: list[str], body: list[list[str]]) -> str:
    """A plain-text table, right-aligned, with a rule under the headers."""
    rows = [headers, *body]
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
    lines = [
        "  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
