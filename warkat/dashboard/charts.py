"""Charts drawn on the server as small inline SVG: no script, no CDN, a few KB each
on a 3G line. Every text put into the SVG is escaped here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Colours readable in daylight on a wall display and by colour-blind viewers.
COLOURS = ("#1f6feb", "#d97706", "#15803d", "#b91c1c")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    before: float | None = None


def _num(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def bar_chart(bars: Sequence[Bar], *, title: str, width: int = 360) -> SafeString:
    """Horizontal bars, one per row, with last period's value as a thin grey bar."""
    row, label_w, pad = 22, 130, 4
    height = row * len(bars) + 24
    top = max([b.value for b in bars] + [b.before or 0 for b in bars] + [1])
    scale = (width - label_w - 40) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        y = 20 + i * row
        label = bar.label if len(bar.label) <= 20 else bar.label[:19] + "…"
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="11">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{bar.value * scale:.1f}" '
            f'height="{row - 2 * pad - 4}" fill="{COLOURS[0]}"/>'
            f'<text x="{label_w + bar.value * scale + 4:.1f}" y="{y + 11}" '
            f'font-size="11">{_num(bar.value)}</text>'
        )
        if bar.before is not None:
            parts.append(
                f'<rect x="{label_w}" y="{y + row - 2 * pad - 3}" '
                f'width="{bar.before * scale:.1f}" height="3" fill="#9ca3af"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def line_chart(
    days: Sequence[dt.date],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    width: int = 360,
    height: int = 140,
) -> SafeString:
    """Daily lines (up to four series) with a legend and the first/last day."""
    left, bottom, top_pad = 28, 18, 18
    top = max([max(values, default=0) for _, values in series] + [1])
    n = max(len(days), 2)
    step = (width - left - 4) / (n - 1)
    plot_h = height - bottom - top_pad

    def point(i: int, v: float) -> str:
        return f"{left + i * step:.1f},{top_pad + plot_h - v / top * plot_h:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width}" '
        f'y2="{top_pad + plot_h}" stroke="#9ca3af"/>',
        f'<text x="0" y="{top_pad + 8}" font-size="10">{_num(top)}</text>',
        f'<text x="0" y="{top_pad + plot_h}" font-size="10">0</text>',
    ]
    for k, (name, values) in enumerate(series[: len(COLOURS)]):
        colour = COLOURS[k]
        points = " ".join(point(i, v) for i, v in enumerate(values))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
            f'points="{points}"/>'
            f'<text x="{left + k * 90}" y="11" font-size="10" fill="{colour}">'
            f"{escape(name)}</text>"
        )
    if days:
        parts.append(
            f'<text x="{left}" y="{height - 3}" font-size="10">{days[0]:%d/%m}</text>'
            f'<text x="{width - 30}" y="{height - 3}" font-size="10">'
            f"{days[-1]:%d/%m}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
