"""Generated scans (a picture of a typed letter, slightly rotated, blurred and
speckled, without any text layer) for the demo, tests and the OCR benchmark."""

from __future__ import annotations

import io
import random
from typing import Any

#: A4 at 200 dpi, a common office-scanner setting.
DPI = 200
SIZE = (1654, 2339)
_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
)


def _font(size: int) -> Any:
    from PIL import ImageFont

    for path in _FONTS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def scan_page(lines: list[str], *, seed: int = 0) -> Any:
    """One scanned page (a greyscale Pillow image) showing ``lines``."""
    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(seed)
    page = Image.new("L", SIZE, 255)
    draw = ImageDraw.Draw(page)
    font = _font(34)
    y = 170
    for line in lines:
        draw.text((160, y), line, fill=rnd.randint(0, 40), font=font)
        y += 58
    page = page.rotate(
        rnd.uniform(-0.8, 0.8), fillcolor=255, resample=Image.Resampling.BICUBIC
    )
    pixels = page.load()
    assert pixels is not None
    width, height = SIZE
    for _ in range(30_000):  # dust and toner specks
        pixels[rnd.randrange(width), rnd.randrange(height)] = rnd.choice((0, 80, 150))
    return page.filter(ImageFilter.GaussianBlur(0.6))


def scan_pdf(pages: list[list[str]], *, seed: int = 0) -> bytes:
    """A scanned PDF: one picture per page (JPEG inside), no text layer."""
    images = [scan_page(lines, seed=seed + i) for i, lines in enumerate(pages)]
    out = io.BytesIO()
    images[0].save(
        out,
        format="PDF",
        resolution=DPI,
        save_all=True,
        append_images=images[1:],
        quality=75,
    )
    return out.getvalue()


def scan_image(lines: list[str], *, fmt: str = "PNG", seed: int = 0) -> bytes:
    """A scanned page as an image file (PNG, JPEG or TIFF)."""
    out = io.BytesIO()
    scan_page(lines, seed=seed).save(out, format=fmt, dpi=(DPI, DPI))
    return out.getvalue()


def letter_lines(*, page: int = 1, word: str = "") -> list[str]:
    """The lines of a typical Indonesian letter page, with ``word`` in it."""
    return [
        "PEMERINTAH KABUPATEN KEEROM",
        "DINAS PERTANIAN DAN PANGAN",
        "",
        f"Nomor: 520/{100 + page}/DISTAN/2026   Halaman {page}",
        "Perihal: Laporan hasil panen kakao",
        "",
        "Dengan hormat, bersama ini kami sampaikan laporan",
        "hasil panen kakao dan pembangunan jalan tani",
        f"di kampung {word or 'Yowong'} Distrik Arso selama",
        "musim tanam tahun ini. Demikian untuk menjadi",
        "perhatian dan bahan pertimbangan Bapak.",
    ]
