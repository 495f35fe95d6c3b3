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


@dataclass(frozen=True)
class Tile:
    label: str
    #: Share 0..1 that colours the tile (None: no figure, drawn grey).
    share: float | None
    text: str


#: Light to dark: the share of the tile's figure.
SHADES = ("#fee2e2", "#fde68a", "#bbf7d0", "#4ade80", "#15803d")


def tile_map(tiles: Sequence[Tile], *, title: str, width: int = 360) -> SafeString:
    """A tile-grid cartogram: one equal square per distrik in a grid, coloured by
    its share. The region data carries codes and names but no geometry, so the
    tiles stand in the order given (by name), not where the distrik lie."""
    cols = max(1, min(6, round(len(tiles) ** 0.5 + 0.5)))
    size = (width - 2) // cols
    rows = (len(tiles) + cols - 1) // cols
    height = rows * size + 22
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, tile in enumerate(tiles):
        x, y = 1 + (i % cols) * size, 20 + (i // cols) * size
        shade = "#e5e7eb"
        if tile.share is not None:
            shade = SHADES[min(len(SHADES) - 1, int(tile.share * len(SHADES)))]
        label = tile.label if len(tile.label) <= 11 else tile.label[:10] + "…"
        parts.append(
            f'<rect x="{x}" y="{y}" width="{size - 3}" height="{size - 3}" '
            f'fill="{shade}"><title>{escape(tile.label)}: {escape(tile.text)}'
            f"</title></rect>"
            f'<text x="{x + 4}" y="{y + 14}" font-size="10">{escape(label)}</text>'
            f'<text x="{x + 4}" y="{y + size - 10}" font-size="13" '
            f'font-weight="bold">{escape(tile.text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
