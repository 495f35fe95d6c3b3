"""Reading the text of one file on disk: a PDF's own text layer, or OCR of a scan.

A PDF whose every page already carries text is read with poppler's ``pdftotext`` and
is not OCRed. Scanned PDFs (or PDFs with some pages scanned) and images (JPEG, PNG,
TIFF) go through OCRmyPDF with Tesseract (``settings.WARKAT_OCR_LANGUAGES``,
``ind`` by default), which writes a searchable PDF/A; its text is then read with
``pdftotext`` like any PDF's. Every external program runs in its own process group
with a timeout and an address-space cap, so a hostile or huge file costs a failed
attempt, never the worker. Nothing here touches the database or the storage.

Tesseract runs with ``OMP_THREAD_LIMIT=1``: its OpenMP threads fight over the cores
with OCRmyPDF's page workers (``-j``) and make recognition several times slower on a
small machine; parallelism comes from ``-j`` (one page per process) instead.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

PDF = "application/pdf"
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/tiff"})
#: A page with fewer visible characters than this is taken for a scan: any text
#: counts, as for OCRmyPDF's ``--skip-text``, which leaves such a page as it is.
MIN_PAGE_CHARS = 1
#: Address-space cap of each program run, in bytes (Tesseract and Ghostscript stay
#: well below it on A4 scans at 300 dpi).
MEMORY_LIMIT = 2 * 1024 * 1024 * 1024
#: Seconds ``pdftotext`` may take for one file.
TEXT_TIMEOUT = 60
#: The resolution assumed for an image that does not state one (a phone photo).
IMAGE_DPI = 300
#: OCRmyPDF's exit codes that name the file, not the machine, as the cause.
_EXIT_CODES = {2: "damaged", 4: "damaged", 8: "encrypted", 3: "missing_tool"}


class ReadingFailed(Exception):
    """The file's text could not be read; ``code`` is one of ``models.ERRORS``."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Reading:
    text: str
    pages: int
    #: ``TextSource`` value: "text" (the PDF's own text) or "ocr".
    source: str
    #: The searchable PDF/A made by OCR (in the caller's work folder), or None.
    searchable: Path | None


def read_file(
    *,
    source: Path,
    content_type: str,
    workdir: Path,
    timeout: int | None = None,
    thread_limit: str | None = "1",
) -> Reading:
    """The text of ``source``; OCR output goes to ``workdir``. ``thread_limit`` is
    ``OMP_THREAD_LIMIT`` for Tesseract (None leaves it unset, for the benchmark's
    comparison). Raises ``ReadingFailed``."""
    timeout = timeout or settings.WARKAT_OCR_TIMEOUT
    if content_type == PDF:
        pages = _pdf_pages_text(source)
        if pages and all(_visible(p) >= MIN_PAGE_CHARS for p in pages):
            return Reading(
                text=_joined(pages), pages=len(pages), source="text", searchable=None
            )
        count = len(pages) or 1
    elif content_type in IMAGE_TYPES:
        source = _image_prepared(source, workdir)
        count = 1
    else:
        raise ReadingFailed("damaged", f"unsupported type {content_type}")
    searchable = workdir / "searchable.pdf"
    _ocr(
        source,
        searchable,
        pages=count,
        image=content_type in IMAGE_TYPES,
        timeout=timeout,
        thread_limit=thread_limit,
    )
    pages = _pdf_pages_text(searchable)
    return Reading(
        text=_joined(pages), pages=len(pages), source="ocr", searchable=searchable
    )


def ocr_jobs(pages: int) -> int:
    """OCRmyPDF's ``-j``: one page per process, as many as cores (or the setting)."""
    cores = settings.WARKAT_OCR_JOBS or os.cpu_count() or 1
    return max(1, min(cores, pages))


def _ocr(
    source: Path,
    output: Path,
    *,
    pages: int,
    image: bool,
    timeout: int,
    thread_limit: str | None,
) -> None:
    command = [
        "ocrmypdf",
        "--quiet",
        "-l",
        settings.WARKAT_OCR_LANGUAGES,
        "--skip-text",
        "--optimize",
        "0",
        "--output-type",
        "pdfa",
        "-j",
        str(ocr_jobs(pages)),
        *(["--image-dpi", str(IMAGE_DPI)] if image else []),
        str(source),
        str(output),
    ]
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    if thread_limit is not None:
        env["OMP_THREAD_LIMIT"] = thread_limit
    code, stderr = _run(command, timeout=timeout, env=env)
    if code != 0:
        log.warning("OCR of %s failed (exit %s): %s", source.name, code, stderr)
        raise ReadingFailed(_EXIT_CODES.get(code, "crashed"), f"exit {code}")
    if not output.exists():
        raise ReadingFailed("crashed", "no output")


def _pdf_pages_text(path: Path) -> list[str]:
    """The text of each page (``pdftotext`` ends every page with a form feed);
    [] when the PDF cannot be read (OCRmyPDF then says why)."""
    out = path.with_name(path.name + ".txt")
    code, stderr = _run(
        ["pdftotext", "-q", "-enc", "UTF-8", str(path), str(out)],
        timeout=TEXT_TIMEOUT,
        env=dict(os.environ),
    )
    if code != 0 or not out.exists():
        log.info("no text layer read from %s (exit %s): %s", path.name, code, stderr)
        return []
    pages = out.read_text(encoding="utf-8", errors="replace").split("\f")
    # The last form feed ends the last page: what follows it is not a page.
    return pages[:-1] if len(pages) > 1 else pages


def _run(command: list[str], *, timeout: int, env: dict[str, str]) -> tuple[int, str]:
    """Run ``command`` capped in memory, in its own process group so that a timeout
    also stops its children (Tesseract, Ghostscript); (exit code, stderr tail)."""
    if shutil.which(command[0]) is None:
        raise ReadingFailed("missing_tool", command[0])
    capped = ["prlimit", f"--as={MEMORY_LIMIT}", *command]
    if shutil.which("prlimit") is None:  # util-linux; present on Debian
        capped = command
    with subprocess.Popen(
        capped,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    ) as process:
        try:
            _out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            log.warning("%s stopped after %s s", command[0], timeout)
            raise ReadingFailed("timeout", f"{timeout} s") from None
    return process.returncode, err.decode(errors="replace")[-1000:]


def _image_prepared(source: Path, workdir: Path) -> Path:
    """An image OCRmyPDF accepts: without an alpha channel or palette (img2pdf
    refuses those), first frame only; the original stays as it is."""
    from PIL import Image, ImageSequence

    try:
        with Image.open(source) as image:
            frame = next(ImageSequence.Iterator(image))
            dpi = image.info.get("dpi")
            if frame.mode in ("1", "L", "RGB"):
                if image.format in ("JPEG", "PNG") and not _many_frames(image):
                    return source
                flat = frame.copy()
            elif "A" in frame.mode or frame.mode == "P":
                rgba = frame.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
            else:
                flat = frame.convert("RGB")
            prepared = workdir / "image.png"
            flat.save(prepared, format="PNG", **({"dpi": dpi} if dpi else {}))
            return prepared
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ReadingFailed("damaged", str(exc)[:200]) from exc


def _many_frames(image: object) -> bool:
    return bool(getattr(image, "n_frames", 1) > 1)


def _visible(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def _joined(pages: list[str]) -> str:
    return "\n\n".join(p.strip() for p in pages).strip()
