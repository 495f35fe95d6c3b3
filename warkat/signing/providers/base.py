"""What every provider receives and returns, and the pieces they share."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader

from warkat.signing import errors
from warkat.signing.render import SignatureBox

FONT_FILE = Path(__file__).resolve().parent.parent / "fonts" / "DejaVuSans-Latin.ttf"
#: Points. Used when the template has no ``#ttd`` element: bottom right of page 1.
DEFAULT_BOX = SignatureBox(page=0, box=(330, 60, 560, 160))
STAMP_TITLE = "Ditandatangani secara elektronik oleh:"


@dataclass(frozen=True)
class StampInfo:
    """What the visible signature shows. ``position`` is as printed, including the
    capacity: ``a.n. Bupati Keerom / Sekretaris Daerah`` or ``Plt. Kepala Dinas …``."""

    position: str
    name: str
    nip: str = ""

    def lines(self, width: int = 34) -> list[str]:
        out = [STAMP_TITLE]
        for part in self.position.split("\n"):
            out.extend(textwrap.wrap(part, width) or [""])
        out.append("")
        out.append(self.name)
        if self.nip:
            out.append(f"NIP. {self.nip}")
        return out


def pdf_open(pdf: bytes) -> PdfFileReader:
    """Parse the document to sign, once: the check here and the signature (an
    incremental update over this reader) share the parse. Refuses encrypted,
    empty or unreadable PDFs."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        ok = not reader.encrypted and int(reader.root["/Pages"]["/Count"]) > 0
    except Exception:
        ok = False
    if not ok:
        raise errors.pdf_invalid()
    return reader


@dataclass(frozen=True)
class SignRequest:
    pdf: bytes
    #: ``pdf_open(pdf)``.
    reader: PdfFileReader = field(repr=False, compare=False)
    box: SignatureBox
    stamp: StampInfo
    verification_url: str
    reason: str
    location: str


@dataclass(frozen=True)
class ProviderResult:
    signed_pdf: bytes
    pades_level: str
    certificate_serial: str


def stamp_png(stamp: StampInfo, url: str, *, scale: int = 3) -> bytes:
    """The specimen as an image (QR left, text right) for providers that take a
    picture instead of drawing the stamp themselves (BSrE v2 ``imageBase64``)."""
    import segno
    from PIL import Image, ImageDraw, ImageFont

    qr = segno.make(url, error="m")
    qr_buf = io.BytesIO()
    qr.save(qr_buf, kind="png", scale=3 * scale, border=1)
    qr_img = Image.open(io.BytesIO(qr_buf.getvalue())).convert("RGB")
    font = ImageFont.truetype(str(FONT_FILE), 9 * scale)
    lines = stamp.lines()
    line_h = 12 * scale
    text_w = max(int(font.getlength(line)) for line in lines) + 8 * scale
    height = max(qr_img.height, line_h * len(lines) + 8 * scale)
    image = Image.new("RGB", (qr_img.width + text_w, height), "white")
    image.paste(qr_img, (0, (height - qr_img.height) // 2))
    draw = ImageDraw.Draw(image)
    top = (height - line_h * len(lines)) // 2
    for i, line in enumerate(lines):
        draw.text(
            (qr_img.width + 4 * scale, top + i * line_h), line, fill="black", font=font
        )
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
