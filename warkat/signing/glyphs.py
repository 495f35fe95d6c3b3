"""Drawing a letter's number into a PDF rendered ahead of signing.

A letter rendered ahead (``drafting.ahead``) carries a *placeholder* number: the
real number with a sequence guessed from the counter, of the same number of
digits. At signing, only the sequence's digits differ from the placeholder, so
the number is drawn by replacing the placeholder's digit glyphs in the page's
content stream with the real digits' glyphs, in the letter's own embedded font,
as part of the page content the signature then covers (not an annotation).

Why this gives the same page as a full render: the layouts' fonts (DejaVu) give
every digit the same advance and kern no digit, so the text around the number
and the line's layout do not move; ``prepare`` refuses a font whose digits differ
in width. WeasyPrint embeds only the glyphs a document uses, so the render ahead
draws a run of all ten digits (``HELPER_HTML``, next to the number, in its font)
that ``prepare`` removes from the page again: its glyphs stay in the font.

``prepare`` (at render-ahead time, not timed) checks all of this, takes the
helper run out and writes the pages holding the number uncompressed, so that
``stamp`` (at signing) is a replacement of bytes of equal length: no offset of
the file moves. Anything unexpected (the number split over two text runs, a
ligature, a template that escapes the helper) makes ``prepare`` return ``None``
and the letter is rendered in full at signing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

DIGITS = "0123456789"
#: Next to the number: out of the flow (no layout change), in the number's font.
HELPER_HTML = f'<span style="position:absolute;left:0;top:0">{DIGITS}</span>'
_GLYPH = rb"<([0-9a-f]{4})>(-?[0-9.]+)"
_TF = re.compile(rb"/(\S+)\s+[0-9.]+\s+Tf")


@dataclass(frozen=True)
class Prepared:
    """A render ahead ready for ``stamp``."""

    pdf: bytes
    #: The placeholder number's glyph run, as it appears in the file.
    run: bytes
    #: How many times ``run`` appears in ``pdf`` (each is replaced).
    count: int
    #: Glyph code (4 hex digits) of each digit in the number's font.
    digits: dict[str, str]


def _to_unicode(font: Any) -> dict[str, str]:
    """Character → glyph code (4 hex digits) from a font's ``ToUnicode`` map."""
    cmap = font.get("/ToUnicode")
    if cmap is None:
        return {}
    data = cmap.get_object().get_data()
    found: dict[str, str] = {}
    for gid, uni in re.findall(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]{4})>", data):
        found.setdefault(chr(int(uni, 16)), gid.decode().lower())
    for lo, hi, uni in re.findall(
        rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]{4})>", data
    ):
        for offset in range(int(hi, 16) - int(lo, 16) + 1):
            found.setdefault(chr(int(uni, 16) + offset), f"{int(lo, 16) + offset:04x}")
    return found


def _widths(font: Any) -> dict[int, float]:
    """Glyph code → advance from a CID font's ``W`` array."""
    descendants = font.get("/DescendantFonts")
    if not descendants:
        return {}
    w = list(descendants[0].get_object().get("/W", []))
    out: dict[int, float] = {}
    i = 0
    while i < len(w) - 1:
        first = int(w[i])
        nxt = w[i + 1].get_object() if hasattr(w[i + 1], "get_object") else w[i + 1]
        if isinstance(nxt, list):
            for k, width in enumerate(nxt):
                out[first + k] = float(width)
            i += 2
        else:
            for gid in range(first, int(nxt) + 1):
                out[gid] = float(w[i + 2])
            i += 3
    return out


def _pattern(codes: list[str]) -> re.Pattern[bytes]:
    return re.compile(b"".join(rb"<" + c.encode() + rb">-?[0-9.]+" for c in codes))


def prepare(pdf: bytes, placeholder: str) -> Prepared | None:
    """Take the helper run out of ``pdf`` and make its number replaceable; ``None``
    when the number cannot be drawn exactly (see the module docstring)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # PDF 1.7 (PDF/A-3), not pypdf's 1.3
    run = b""
    count = 0
    digits: dict[str, str] = {}
    for page in writer.pages:
        content = page.get_contents()
        fonts = page.get("/Resources", {}).get("/Font", {})
        if content is None or not fonts:
            continue
        data = content.get_data()
        changed = data
        for name, ref in fonts.items():
            font = ref.get_object()
            chars = _to_unicode(font)
            if not all(c in chars for c in placeholder + DIGITS):
                continue
            number = _pattern([chars[c] for c in placeholder])
            matches = list(number.finditer(changed))
            if not matches:
                continue
            widths = _widths(font)
            if len({widths.get(int(chars[d], 16)) for d in DIGITS}) != 1:
                return None  # digits of different widths: the line would move
            helper = re.compile(
                rb"\[" + _pattern([chars[d] for d in DIGITS]).pattern + rb"\]\s*TJ"
            )
            for match in matches:
                tf = [m for m in _TF.finditer(changed, 0, match.start())]
                if not tf or tf[-1].group(1).decode() != name.lstrip("/"):
                    return None
                if run and match.group(0) != run:
                    return None
                run, digits = match.group(0), {d: chars[d] for d in DIGITS}
                count += 1
            changed, removed = helper.subn(b"", changed)
            if removed != len(matches):
                return None  # a helper run missing (escaped?) or one too many
        if changed != data:
            stream = DecodedStreamObject()
            stream.set_data(changed)
            page[NameObject("/Contents")] = writer._add_object(stream)
    if not run:
        return None
    if len(re.findall(_GLYPH, run)) != len(placeholder):
        return None  # a ligature or a split run
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    if data.count(run) != count:
        return None
    return Prepared(pdf=data, run=run, count=count, digits=digits)


def stamp(prepared: Prepared, placeholder: str, number: str) -> bytes | None:
    """``prepared``'s PDF with ``number`` in place of ``placeholder``; ``None``
    when they differ in more than digits (another length, another character)."""
    if len(number) != len(placeholder):
        return None
    glyphs = list(re.finditer(_GLYPH, prepared.run))
    new = bytearray(prepared.run)
    for index, (old, real) in enumerate(zip(placeholder, number, strict=True)):
        if old == real:
            continue
        if old not in DIGITS or real not in DIGITS:
            return None
        start = glyphs[index].start(1)
        new[start : start + 4] = prepared.digits[real].encode()
    pdf = prepared.pdf.replace(prepared.run, bytes(new))
    return pdf if len(pdf) == len(prepared.pdf) else None
