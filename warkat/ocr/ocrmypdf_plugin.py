"""An OCRmyPDF plugin (``ocrmypdf --plugin <this file>``) that reuses the pages
Warkat has already recognised instead of running Tesseract on them a second time.

``recognise.read_file`` reads a scan's pages first (one Tesseract process per page,
``pages.pages_recognised``), stores that text so that the letter is searchable at
once, and only then has OCRmyPDF make the PDF/A. For each page OCRmyPDF asks its
OCR engine for, this engine copies the text-only PDF and text that Tesseract wrote
for that page into the folder named by ``WARKAT_OCR_PAGES`` (``000001.pdf``,
``000001.txt``: the page number, from 1, as OCRmyPDF names its page files); a page
without them (not read beforehand) goes to Tesseract as usual. Such a page is not
rasterised either (Ghostscript, then two PNG encodings in OCRmyPDF: most of its
time): the engine never looks at the picture, and the text layer is scaled to the
page, so a small blank picture at the page's resolution stands in for it.

Loaded by OCRmyPDF's own Python (the Debian package), not by Django: it imports
nothing of Warkat.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

FOLDER_ENV = "WARKAT_OCR_PAGES"


def _done(pageno: int) -> tuple[Path, Path] | None:
    """The text-only PDF and the text read beforehand for page ``pageno`` (from
    1), or None."""
    folder = os.environ.get(FOLDER_ENV)
    if not folder:
        return None
    pdf = Path(folder) / f"{pageno:06d}.pdf"
    txt = pdf.with_suffix(".txt")
    return (pdf, txt) if pdf.is_file() and txt.is_file() else None


def _page_of(input_file: Any) -> int:
    """The page number of OCRmyPDF's page file (``000003_ocr.png``: 3), or 0."""
    number = Path(input_file).name.split("_", 1)[0]
    return int(number) if number.isdigit() else 0


class ReadBeforeEngine(TesseractOcrEngine):  # type: ignore[misc]
    """Tesseract, except for the pages already read (``_done``)."""

    @staticmethod
    def generate_pdf(
        input_file: Any, output_pdf: Any, output_text: Any, options: Any
    ) -> None:
        done = _done(_page_of(input_file))
        if done is None:
            TesseractOcrEngine.generate_pdf(
                input_file, output_pdf, output_text, options
            )
            return
        shutil.copyfile(done[0], output_pdf)
        shutil.copyfile(done[1], output_text)


@hookimpl  # type: ignore[misc]
def get_ocr_engine() -> ReadBeforeEngine:
    return ReadBeforeEngine()


@hookimpl  # type: ignore[misc]
def rasterize_pdf_page(
    input_file: Any,
    output_file: Any,
    raster_device: Any,
    raster_dpi: Any,
    pageno: int,
    page_dpi: Any,
    rotation: Any,
    filter_vector: Any,
) -> Any:
    """A blank stand-in for a page read beforehand; None (Ghostscript rasterises)
    for any other page."""
    if _done(pageno) is None:
        return None
    from PIL import Image

    dpi = page_dpi or raster_dpi
    Image.new("L", (8, 8), 255).save(
        output_file, format="PNG", dpi=(round(float(dpi.x)), round(float(dpi.y)))
    )
    return output_file
