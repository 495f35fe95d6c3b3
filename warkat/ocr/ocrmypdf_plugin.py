"""An OCRmyPDF plugin (``ocrmypdf --plugin <this file>``) that reuses the pages
Warkat has already recognised instead of running Tesseract on them a second time.

``recognise.read_file`` reads a scan's pages first (one Tesseract process per page,
``pages.pages_recognised``), stores that text so that the letter is searchable at
once, and only then has OCRmyPDF make the PDF/A. For each page OCRmyPDF asks its
OCR engine for, this engine copies the text-only PDF and text that Tesseract wrote
for that page into the folder named by ``WARKAT_OCR_PAGES`` (``000001.pdf``,
``000001.txt``: the page number, from 1, as OCRmyPDF names its page files); a page
without them (not read beforehand) goes to Tesseract as usual.

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


def _done(input_file: Any) -> tuple[Path, Path] | None:
    """The text-only PDF and the text read beforehand for the page of
    ``input_file`` (``000003_ocr.png``: page 3), or None."""
    folder = os.environ.get(FOLDER_ENV)
    number = Path(input_file).name.split("_", 1)[0]
    if not folder or not number.isdigit():
        return None
    pdf = Path(folder) / f"{int(number):06d}.pdf"
    txt = pdf.with_suffix(".txt")
    return (pdf, txt) if pdf.is_file() and txt.is_file() else None


class ReadBeforeEngine(TesseractOcrEngine):  # type: ignore[misc]
    """Tesseract, except for the pages already read (``_done``)."""

    @staticmethod
    def generate_pdf(
        input_file: Any, output_pdf: Any, output_text: Any, options: Any
    ) -> None:
        done = _done(input_file)
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
