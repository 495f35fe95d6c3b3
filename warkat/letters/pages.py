"""Page images of PDF letter files, for phones that cannot show a PDF inside a page.

After a PDF is stored (registration, an added file, delivery inside Warkat) the
``letter_pages_render`` task on the "render" queue draws each page (the first
``MAX_PAGES``) with poppler's ``pdftoppm`` and stores the pictures through the default
storage next to the PDF, under ``{folder}/pages/{pdf name}-{n}.jpg``: in a sub-folder,
so the orphan sweep (which lists the month folders only) never takes them for orphans.
A failure (damaged PDF, timeout) is logged and records nothing: the letter page then
shows the PDF in a frame, as before. Running the task again is harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.utils import timezone

from warkat.letters.errors import letter_not_found
from warkat.letters.files import file_open
from warkat.letters.models import LetterFile, LetterFilePage
from warkat.letters.selectors import letter_file_for_user

log = logging.getLogger(__name__)

PDF = "application/pdf"
MAX_PAGES = LetterFilePage.MAX_PAGES
#: Width of a page picture: sharp on a 390 px phone at 2-3x, and when zoomed.
WIDTH = 1100
DPI = 110
#: Seconds ``pdftoppm`` may take for one file.
TIMEOUT = 120
#: Address-space cap of one ``pdftoppm`` run, in bytes.
MEMORY_LIMIT = 1024 * 1024 * 1024
#: A page picture never changes under its address; kept a day in the reader's own
#: browser only (``private``), since readers on 3G come back to the same letter.
PAGE_CACHE = "private, max-age=86400"


#: A PDF still without pictures this long after it was stored had its drawing lost.
SWEEP_AFTER = dt.timedelta(minutes=10)
#: Older PDFs are left alone: with a queue outside the database the sweep cannot
#: tell a lost drawing from one that failed, so each is retried for an hour only.
SWEEP_HORIZON = dt.timedelta(hours=1)


def letters_without_pages() -> list[int]:
    """Ids of the letters with a PDF stored between ``SWEEP_HORIZON`` and
    ``SWEEP_AFTER`` ago that has no pictures (inside the tenant's scope): the
    candidates of the sweep (``tasks.pages_sweep``)."""
    now = timezone.now()
    return list(
        LetterFile.objects.filter(
            content_type=PDF,
            pages__isnull=True,
            created_at__lt=now - SWEEP_AFTER,
            created_at__gte=now - SWEEP_HORIZON,
        )
        .order_by("letter_id")
        .values_list("letter_id", flat=True)
        .distinct()
    )


def letter_pages_make(*, letter_id: int) -> int:
    """Draw the pages of every PDF of the letter that has none yet (inside the
    tenant's scope); returns how many pictures were recorded."""
    files = LetterFile.objects.filter(
        letter_id=letter_id, content_type=PDF, pages__isnull=True
    ).order_by("pk")
    return sum(file_pages_make(file=f) for f in files)


def file_pages_make(*, file: LetterFile) -> int:
    """Draw and record the pages of one PDF; 0 when it already has them or when
    drawing fails (logged)."""
    if file.content_type != PDF or LetterFilePage.objects.filter(file=file).exists():
        return 0
    with tempfile.TemporaryDirectory(prefix="warkat-pages-") as tmp:
        drawn = _draw(file, Path(tmp))
        if not drawn:
            return 0
        try:
            rows = [
                LetterFilePage(
                    tenant_id=file.tenant_id,
                    file=file,
                    number=number,
                    storage_name=_store(_page_name(file.storage_name, number), path),
                    width=width,
                    height=height,
                )
                for number, path, width, height in drawn
            ]
        except Exception:
            log.exception("storing the pages of letter file %s failed", file.pk)
            return 0
    try:
        with transaction.atomic():
            LetterFilePage.objects.bulk_create(rows)
    except IntegrityError:
        # Drawn concurrently by another worker, which recorded the same names.
        log.info("pages of letter file %s were recorded by another run", file.pk)
        return 0
    return len(rows)


def _draw(file: LetterFile, tmp: Path) -> list[tuple[int, Path, int, int]]:
    """``(number, path, width, height)`` of each page picture, or [] on failure."""
    from PIL import Image

    source = tmp / "source.pdf"
    try:
        with (
            default_storage.open(file.storage_name, "rb") as src,
            source.open("wb") as out,
        ):
            shutil.copyfileobj(src, out)
        subprocess.run(
            [
                # A hostile PDF may ask for unbounded memory: cap the drawer's
                # address space (util-linux's prlimit, beside poppler on Debian).
                "prlimit",
                f"--as={MEMORY_LIMIT}",
                "pdftoppm",
                "-q",
                "-f",
                "1",
                "-l",
                str(MAX_PAGES),
                "-r",
                str(DPI),
                "-scale-to-x",
                str(WIDTH),
                "-scale-to-y",
                "-1",
                "-jpeg",
                "-jpegopt",
                "quality=80,progressive=y,optimize=y",
                str(source),
                str(tmp / "p"),
            ],
            check=True,
            capture_output=True,
            timeout=TIMEOUT,
        )
        drawn = []
        for path in tmp.glob("p-*.jpg"):
            with Image.open(path) as image:
                image.verify()
                width, height = image.size
            drawn.append((int(path.stem.rsplit("-", 1)[1]), path, width, height))
    except subprocess.CalledProcessError as exc:
        log.warning(
            "drawing the pages of letter file %s failed (exit %s): %s",
            file.pk,
            exc.returncode,
            exc.stderr.decode(errors="replace")[-500:],
        )
        return []
    except subprocess.TimeoutExpired:
        log.warning("drawing the pages of letter file %s timed out", file.pk)
        return []
    except Exception:
        log.exception("drawing the pages of letter file %s failed", file.pk)
        return []
    drawn.sort()
    if not drawn or [d[0] for d in drawn] != list(range(1, len(drawn) + 1)):
        log.warning("drawing the pages of letter file %s gave no pages", file.pk)
        return []
    return drawn


def _page_name(storage_name: str, number: int) -> str:
    folder, _sep, name = storage_name.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    return (
        f"{folder}/pages/{stem}-{number}.jpg"
        if folder
        else f"pages/{stem}-{number}.jpg"
    )


def _store(name: str, path: Path) -> str:
    """Save ``path`` under ``name``, replacing what an earlier, unrecorded run left."""
    if default_storage.exists(name):
        default_storage.delete(name)
    with path.open("rb") as fh:
        return default_storage.save(name, File(fh))


def letter_file_page_for_user(
    *, user: Any, letter_id: int, file_id: int, number: int
) -> LetterFilePage:
    """A page picture of a letter file the user may read (the same decision as
    ``letter_file_for_user``); ``NotFound`` otherwise or when it was not drawn."""
    file = letter_file_for_user(user=user, letter_id=letter_id, file_id=file_id)
    page = LetterFilePage.objects.filter(file=file, number=number).first()
    if page is None:
        raise letter_not_found()
    return page


def page_response(page: LetterFilePage) -> FileResponse:
    response = FileResponse(
        file_open(page.storage_name), content_type="image/jpeg", as_attachment=False
    )
    response["Cache-Control"] = PAGE_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    return response
