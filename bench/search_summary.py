"""The search benchmark's summary table (issue 13): per query kind, the API
request's server time and CPU, its queries, the search statement's own time, the
page, and the old design (a sequential scan under the policy)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.run import Result


@dataclass(frozen=True)
class CpuResult(Result):
    """CPU ms per call (p50/p95) with the p50 of each side: this process (Python)
    and its database server process."""

    python_p50: float = 0.0
    database_p50: float = 0.0


class TimedOut(Result):
    """A statement stopped by ``--timeout`` (the old designs at a million letters)."""

    def cells(self) -> list[str]:
        return [f">{self.p50_ms:.0f}", "timeout", "1"]


def _old(result: Result | None) -> str:
    if result is None:
        return "—"
    if isinstance(result, TimedOut):
        return result.cells()[0]
    return f"{result.p50_ms:.1f}"


def summary(
    results: dict[str, list[Result | None]],
    cpu: dict[str, list[Result | None]],
    totals: dict[str, int],
) -> None:
    """Per query kind, what issue 13 asks: the API request's server time (wall
    p50/p95, and CPU: this process + its database server process, each side's
    p50), its queries, the search statement's own time, the page, and the old
    design (``@@`` on the table, a sequential scan under the policy)."""

    def ms(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}"

    header = [
        "query (hits)",
        "API wall p50/p95",
        "API CPU p50/p95",
        "of which Python/db p50",
        "queries",
        "statement CPU/wall p50",
        "page CPU p50/p95",
        "old @@ seq scan wall p50",
    ]
    body = []
    for name, (api, page, statement, *old) in results.items():
        api_cpu, page_cpu, statement_cpu = cpu[name][:3]
        assert api and page and statement and api_cpu and page_cpu and statement_cpu
        split = (
            f"{ms(api_cpu.python_p50)}/{ms(api_cpu.database_p50)}"
            if isinstance(api_cpu, CpuResult)
            else "—"
        )
        low, high = api.queries
        seq = old[2] if len(old) > 2 else None
        body.append(
            [
                f"{name} ({totals[name]})",
                f"{ms(api.p50_ms)}/{ms(api.p95_ms)}",
                f"{ms(api_cpu.p50_ms)}/{ms(api_cpu.p95_ms)}",
                split,
                str(low) if low == high else f"{low}-{high}",
                f"{ms(statement_cpu.p50_ms)}/{ms(statement.p50_ms)}",
                f"{ms(page_cpu.p50_ms)}/{ms(page_cpu.p95_ms)}",
                _old(seq),
            ]
        )
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    print(
        "\nPer query kind (ms; CPU = this process + its database server process; "
        "the target: API p95 <= 50 ms server time)"
    )
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for line in body:
        print(" | ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)))
