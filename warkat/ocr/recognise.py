"""Reading the text of one file on disk: a PDF's own text layer, or OCR of a scan.

A PDF whose every page already carries text is read with poppler's ``pdftotext`` and
is not OCRed. Scanned PDFs (or PDFs with some pages scanned) and images (JPEG, PNG,
TIFF) go through OCRmyPDF with Tesseract (``settings.WARKAT_OCR_LANGUAGES``,
``ind`` by default), which writes a searchable PDF/A; its text is then read with
``pdftotext`` like any PDF's. Every external program runs in its own process group
with a timeout and an address-space cap, so a hostile or huge file costs a failed
attempt, never the worker. Nothing here touches the database or the storage.

A scanned PDF is read in two steps. First its pages without text are recognised,
one Tesseract process per page and as many at once as cores (``ocr_jobs``), each
page rasterised by poppler's ``pdftoppm`` to greyscale at ``settings.WARKAT_OCR_DPI``
(300 by default: Tesseract's accuracy drops below that on typed letters); the text is
handed to ``on_text`` page by page as they are read, so that the caller can make
the letter searchable at once.
Then OCRmyPDF makes the PDF/A, with the plugin ``ocrmypdf_plugin`` giving it the
pages already read instead of running Tesseract on them again. OCRmyPDF writes to
a pipe, which spares its full decoding of every stream of the output (a check
costing about a fifth of its time), and does not linearise.

Tesseract runs with ``OMP_THREAD_LIMIT=1``: its OpenMP threads fight over the cores
with the other page processes and make recognition several times slower on a
small machine; parallelism comes from one page per process instead.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import IO

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
#: The OCRmyPDF plugin that reuses the pages read beforehand.
PLUGIN = Path(__file__).with_name("ocrmypdf_plugin.py")
#: Where those pages wait (``ocrmypdf_plugin.FOLDER_ENV``), inside the work folder.
PAGES_ENV = "WARKAT_OCR_PAGES"


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
    on_text: Callable[[str, int], None] = lambda text, pages: None,
    pagewise: bool = True,
) -> Reading:
    """The text of ``source``; OCR output goes to ``workdir``. A scanned PDF's
    pages are read first, their text given to ``on_text(text, pages)`` each time
    one more page is read, before the PDF/A is made (``pagewise``; False: OCRmyPDF
    alone, for the benchmark's comparison). ``thread_limit`` is
    ``OMP_THREAD_LIMIT`` for Tesseract (None leaves it unset). ``timeout`` bounds
    the whole reading. Raises ``ReadingFailed``."""
    deadline = time.monotonic() + (timeout or settings.WARKAT_OCR_TIMEOUT)
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    if thread_limit is not None:
        env["OMP_THREAD_LIMIT"] = thread_limit
    read_before = False
    if content_type == PDF:
        pages = _pdf_pages_text(source)
        if pages and all(_visible(p) >= MIN_PAGE_CHARS for p in pages):
            return Reading(
                text=_joined(pages), pages=len(pages), source="text", searchable=None
            )
        count = len(pages) or 1
        if pages and pagewise:
            _pages_read(
                source,
                pages,
                workdir,
                deadline=deadline,
                env=env,
                progress=lambda texts: on_text(_joined(texts), len(texts)),
            )
            read_before = True
    elif content_type in IMAGE_TYPES:
        source = _image_prepared(source, workdir)
        count = 1
    else:
        raise ReadingFailed("damaged", f"unsupported type {content_type}")
    searchable = workdir / "searchable.pdf"
    if read_before:
        env[PAGES_ENV] = str(workdir / "pages")
    _ocr(
        source,
        searchable,
        pages=count,
        image=content_type in IMAGE_TYPES,
        deadline=deadline,
        env=env,
        read_before=read_before,
    )
    pages = _pdf_pages_text(searchable)
    return Reading(
        text=_joined(pages), pages=len(pages), source="ocr", searchable=searchable
    )


def _remaining(deadline: float) -> int:
    left = int(deadline - time.monotonic())
    if left <= 0:
        raise ReadingFailed("timeout", "no time left")
    return left


def _pages_read(
    source: Path,
    pages: list[str],
    workdir: Path,
    *,
    deadline: float,
    env: dict[str, str],
    progress: Callable[[list[str]], None],
) -> list[str]:
    """``pages`` with each page without text replaced by its OCR (one Tesseract
    per page, ``ocr_jobs`` at once), given to ``progress`` (in this thread) each
    time a page is read, so that the first pages are found before the last are
    read; each read page's text-only PDF and text stay in ``workdir/pages`` for
    OCRmyPDF. A page that cannot be read this way stays empty here and is left to
    OCRmyPDF, which says why if it fails too."""
    folder = workdir / "pages"
    folder.mkdir(exist_ok=True)
    scans = [n for n, text in enumerate(pages, 1) if _visible(text) < MIN_PAGE_CHARS]

    def read(number: int) -> tuple[int, str]:
        return number, _page_read(source, number, folder, deadline=deadline, env=env)

    out = list(pages)
    with ThreadPoolExecutor(max_workers=ocr_jobs(len(scans))) as pool:
        for done in as_completed([pool.submit(read, n) for n in scans]):
            number, text = done.result()
            out[number - 1] = text
            if text.strip():
                progress(out)
    return out


def _page_read(
    source: Path, number: int, folder: Path, *, deadline: float, env: dict[str, str]
) -> str:
    """Page ``number`` of ``source`` rasterised and recognised; its text ("" when
    it could not be read: OCRmyPDF then tries)."""
    dpi = str(settings.WARKAT_OCR_DPI)
    base = folder / f"{number:06d}"
    image = base.with_suffix(".pgm")
    page = str(number)
    raster = ["pdftoppm", "-gray", "-r", dpi, "-f", page, "-l", page, "-singlefile"]
    code, stderr = _run(
        [*raster, str(source), str(base)], timeout=_remaining(deadline), env=env
    )
    if code == 0 and image.exists():
        code, stderr = _run(
            [
                "tesseract",
                str(image),
                str(base),
                "-l",
                settings.WARKAT_OCR_LANGUAGES,
                "--dpi",
                dpi,
                "-c",
                "textonly_pdf=1",
                "pdf",
                "txt",
            ],
            timeout=_remaining(deadline),
            env=env,
        )
    image.unlink(missing_ok=True)
    text = base.with_suffix(".txt")
    if code != 0 or not text.exists():
        log.info("page %s of %s left to OCRmyPDF: %s", number, source.name, stderr)
        base.with_suffix(".pdf").unlink(missing_ok=True)
        text.unlink(missing_ok=True)
        return ""
    return text.read_text(encoding="utf-8", errors="replace")


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
    deadline: float,
    env: dict[str, str],
    read_before: bool,
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
        "--pdf-renderer",
        "sandwich",
        "--fast-web-view",
        "1000000",
        "-j",
        str(ocr_jobs(pages)),
        *(["--image-dpi", str(IMAGE_DPI)] if image else []),
        *(["--plugin", str(PLUGIN)] if read_before else []),
        str(source),
        "-",
    ]
    with output.open("wb") as out:
        code, stderr = _run(command, timeout=_remaining(deadline), env=env, stdout=out)
    if code != 0:
        log.warning("OCR of %s failed (exit %s): %s", source.name, code, stderr)
        raise ReadingFailed(_EXIT_CODES.get(code, "crashed"), f"exit {code}")
    if not output.exists() or output.stat().st_size == 0:
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


def _run(
    command: list[str],
    *,
    timeout: int,
    env: dict[str, str],
    stdout: IO[bytes] | None = None,
) -> tuple[int, str]:
    """Run ``command`` capped in memory, in its own process group so that a timeout
    also stops its children (Tesseract, Ghostscript); its output goes to
    ``stdout`` (or nowhere); (exit code, stderr tail)."""
    if shutil.which(command[0]) is None:
        raise ReadingFailed("missing_tool", command[0])
    capped = ["prlimit", f"--as={MEMORY_LIMIT}", *command]
    if shutil.which("prlimit") is None:  # util-linux; present on Debian
        capped = command
    with subprocess.Popen(
        capped,
        stdout=stdout if stdout is not None else subprocess.DEVNULL,
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
