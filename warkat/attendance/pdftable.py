"""A long table as a PDF, written directly (A4 landscape, the standard Helvetica
fonts, compressed page streams).

The monthly recap of a unit of 5,000 people is about a hundred pages of 31 columns:
HTML layout (WeasyPrint) takes minutes of CPU for that many cells, this takes well
under a second. Text columns are clipped to their width, number columns right
aligned, the header row's labels are turned upright to fit narrow columns and
repeated on every page with the title and the page number.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

PAGE_W, PAGE_H = 842.0, 595.0  # A4 landscape, points
MARGIN = 34.0  # 12 mm
SIZE = 6.5  # body font size
ROW = 9.0  # row height
HEAD = 62.0  # header row height (upright labels)
TITLE = 16.0
#: Helvetica advance widths (1/1000 em) of the characters numbers are made of.
_NUMBER_W = {".": 278, ",": 278, "-": 333, " ": 278, "%": 889}


def _text(value: object) -> bytes:
    """A PDF literal string in WinAnsi (what cannot be shown becomes '?')."""
    raw = str(value).encode("cp1252", errors="replace")
    return (
        b"("
        + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        + b")"
    )


def _number_width(value: str, size: float) -> float:
    return sum(_NUMBER_W.get(c, 556) for c in value) * size / 1000


def _widths(text_columns: int, columns: int) -> list[float]:
    """Text columns share 46 % of the width (the first, the name, twice as much);
    number columns share the rest equally."""
    usable = PAGE_W - 2 * MARGIN
    shares = [2.0] + [1.0] * (text_columns - 1)
    text_w = usable * 0.46
    widths = [text_w * s / sum(shares) for s in shares]
    numbers = columns - text_columns
    return widths + [(usable - text_w) / numbers] * numbers


def _page(
    title: str, header: Sequence[str], rows: Sequence[Sequence[object]],
    text_columns: int, widths: list[float], number: int, pages: int,
) -> bytes:  # fmt: skip
    out: list[bytes] = [b"0.6 0.6 0.6 RG 0.3 w"]
    left, top = MARGIN, PAGE_H - MARGIN
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    head_top = top - TITLE
    body_top = head_top - HEAD
    bottom = body_top - ROW * len(rows)
    # Grid: the header's box, a line under every row, the column rules.
    out.append(
        b"0.93 g %.2f %.2f %.2f %.2f re f 0 g" % (left, body_top, xs[-1] - left, HEAD)
    )
    for i in range(len(rows) + 1):
        y = body_top - ROW * i
        out.append(b"%.2f %.2f m %.2f %.2f l" % (left, y, xs[-1], y))
    out.append(b"%.2f %.2f m %.2f %.2f l" % (left, head_top, xs[-1], head_top))
    for x in xs:
        out.append(b"%.2f %.2f m %.2f %.2f l" % (x, head_top, x, bottom))
    out.append(b"S")
    # Title and page number.
    out.append(b"BT /F2 10 Tf %.2f %.2f Td %s Tj ET" % (left, top - 10, _text(title)))
    label = f"{number}/{pages}"
    out.append(
        b"BT /F1 7 Tf %.2f %.2f Td %s Tj ET"
        % (xs[-1] - _number_width(label, 7) - 8, top - 9, _text(label))
    )
    # Header labels, upright (rotated a quarter turn), clipped to their column.
    for i, h in enumerate(header):
        out.append(
            b"q %.2f %.2f %.2f %.2f re W n BT /F2 %.1f Tf 0 1 -1 0 %.2f %.2f Tm %s Tj ET Q"
            % (xs[i], body_top, widths[i], HEAD, SIZE,
               xs[i] + widths[i] / 2 + SIZE / 3, body_top + 2, _text(h))
        )  # fmt: skip
    # Body: text columns clipped to their width, numbers right aligned.
    for c in range(len(widths)):
        if c < text_columns:
            cells = [b"q %.2f %.2f %.2f %.2f re W n BT /F1 %.1f Tf"
                     % (xs[c], bottom, widths[c], body_top - bottom, SIZE)]  # fmt: skip
            for r, row in enumerate(rows):
                y = body_top - ROW * (r + 1) + 2.2
                cells.append(
                    b"1 0 0 1 %.2f %.2f Tm %s Tj" % (xs[c] + 1.5, y, _text(row[c]))
                )
            cells.append(b"ET Q")
        else:
            cells = [b"BT /F1 %.1f Tf" % SIZE]
            for r, row in enumerate(rows):
                value = row[c]
                if value in (0, "", None):
                    continue
                shown = f"{value:g}" if isinstance(value, float) else str(value)
                x = xs[c + 1] - 1.5 - _number_width(shown, SIZE)
                y = body_top - ROW * (r + 1) + 2.2
                cells.append(b"1 0 0 1 %.2f %.2f Tm %s Tj" % (x, y, _text(shown)))
            cells.append(b"ET")
        out.extend(cells)
    return b"\n".join(out)


def table_pdf(
    title: str, header: Sequence[str], rows: Sequence[Sequence[object]], *,
    text_columns: int,
) -> bytes:  # fmt: skip
    """The PDF of ``rows`` under ``header``: the first ``text_columns`` columns are
    text, the others numbers (zero shown as an empty cell)."""
    widths = _widths(text_columns, len(header))
    per_page = int((PAGE_H - 2 * MARGIN - TITLE - HEAD) // ROW)
    chunks = [rows[i : i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for n, chunk in enumerate(chunks, start=1):
        content = zlib.compress(
            _page(title, header, chunk, text_columns, widths, n, len(chunks)), 6
        )
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
            % (len(content), content)
        )
        stream_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>"
            % (PAGE_W, PAGE_H, stream_id)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(kids),
        len(kids),
    )
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)
