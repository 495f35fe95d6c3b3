"""Reading one stored file's text (the work of the ``ocr`` queue's task).

A run claims its ``FileText`` with one conditional update (pending → running,
``attempts + 1``), reads the file outside any transaction and without any row lock
(``recognise.read_file``: seconds to minutes for a scan), then stores the outcome with
another conditional update that only succeeds if the row is still this attempt's, so a
run the sweep gave up on cannot overwrite a newer one. The searchable PDF/A is stored
beside the original under the same ``{tenant}/{yyyy}/{mm}/{uuid}.pdf`` convention
(``letters.files``) before that transaction and deleted again if it does not commit;
the original file is never written. The signal ``file_text_ready`` is sent inside
the transaction that stores a done text, and earlier for a scan: as soon as its
pages are recognised, before the PDF/A is made, their text is stored on the running
row (``_text_early``, the same conditional update) and the signal sent, so that the
letter is found by its words while OCRmyPDF still works.

A failure is recorded (``error``: a code of ``models.ERRORS``) and, while attempts
remain (``settings.WARKAT_OCR_ATTEMPTS``), the row goes back to pending with
``next_attempt_at`` after a growing pause; then it is failed, shown as such on the
letter page, where a TU or admin may start it again. A worker that dies mid-run leaves
the row running; ``stuck_runs_release`` (called by the sweep) hands it back.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from warkat.ocr.models import FileText, TextSource, TextState
from warkat.ocr.recognise import Reading, ReadingFailed, read_file
from warkat.ocr.signals import file_text_ready

log = logging.getLogger(__name__)

#: Pause before the n-th retry (n = attempts made): 1 min, 5 min, 25 min, …
FIRST_PAUSE = dt.timedelta(minutes=1)
#: A pending row never picked up this long after it was written lost its task.
LOST_AFTER = dt.timedelta(minutes=5)
#: A run is taken for dead this long after its timeout.
STUCK_GRACE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Outcome:
    #: "done", "retry" (pending again), "failed" or "skipped" (not this run's).
    state: str
    retry_at: dt.datetime | None = None


def file_text_read(
    *,
    file_text_id: int,
    timeout: int | None = None,
    thread_limit: str | None = "1",
    pagewise: bool = True,
) -> Outcome:
    """Read the text of one file if its row is waiting (inside the tenant's scope).
    Idempotent: a row that is not pending, or whose retry is not due, is skipped.
    ``thread_limit`` and ``pagewise`` as ``recognise.read_file``'s."""
    claimed = _claim(file_text_id)
    if claimed is None:
        return Outcome("skipped")
    stored = claimed.file
    with tempfile.TemporaryDirectory(prefix="warkat-ocr-") as tmp:
        work = Path(tmp)
        try:
            source = _copy_out(stored.storage_name, work)
            reading = read_file(
                source=source,
                content_type=stored.content_type,
                workdir=work,
                timeout=timeout,
                thread_limit=thread_limit,
                on_text=lambda text, pages: _text_early(claimed, text, pages),
                pagewise=pagewise,
            )
        except ReadingFailed as exc:
            log.warning("text of file %s: %s", claimed.pk, exc)
            return _failed(claimed, exc.code)
        except Exception:
            log.exception("reading the text of file %s failed", claimed.pk)
            return _failed(claimed, "crashed")
        return _store(claimed, reading)


def _claim(file_text_id: int) -> FileText | None:
    now = timezone.now()
    claimed = (
        FileText.objects.filter(pk=file_text_id, state=TextState.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            state=TextState.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            updated_at=now,
        )
    )
    if not claimed:
        return None
    return FileText.objects.select_related("letter_file", "followup_file").get(
        pk=file_text_id
    )


def _copy_out(storage_name: str, work: Path) -> Path:
    source = work / ("source." + storage_name.rsplit(".", 1)[-1].lower())
    with default_storage.open(storage_name, "rb") as src, source.open("wb") as out:
        shutil.copyfileobj(src, out)
    return source


def _this_attempt(row: FileText) -> Q:
    return Q(pk=row.pk, state=TextState.RUNNING, attempts=row.attempts)


def _clean(text: str) -> str:
    # PostgreSQL text cannot hold NUL, which a PDF's text layer may carry.
    return text.replace("\x00", "")


def _text_early(row: FileText, text: str, pages: int) -> None:
    """Store a scan's recognised text on the running row and index it, before the
    PDF/A is made (the row stays running). Not this attempt's any more: nothing."""
    with transaction.atomic():
        updated = FileText.objects.filter(_this_attempt(row)).update(
            source=TextSource.OCR,
            text=_clean(text),
            pages=pages,
            updated_at=timezone.now(),
        )
        if updated:
            early = FileText.objects.get(pk=row.pk)
            file_text_ready.send(sender=FileText, file_text=early)


def _store(row: FileText, reading: Reading) -> Outcome:
    name = ""
    try:
        if reading.searchable is not None:
            name = _save_beside(row, reading.searchable)
        with transaction.atomic():
            updated = FileText.objects.filter(_this_attempt(row)).update(
                state=TextState.DONE,
                source=reading.source,
                text=_clean(reading.text),
                pages=reading.pages,
                searchable_name=name,
                error="",
                next_attempt_at=None,
                updated_at=timezone.now(),
            )
            if not updated:
                raise _Superseded
            done = FileText.objects.get(pk=row.pk)
            file_text_ready.send(sender=FileText, file_text=done)
    except _Superseded:
        _delete_quietly(name)
        log.info("text of file %s was taken over by another run", row.pk)
        return Outcome("skipped")
    except Exception:
        _delete_quietly(name)
        log.exception("storing the text of file %s failed", row.pk)
        return _failed(row, "store_failed")
    return Outcome("done")


class _Superseded(Exception):
    pass


def _save_beside(row: FileText, path: Path) -> str:
    now = timezone.now()
    name = f"{row.tenant_id}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.pdf"
    with path.open("rb") as fh:
        return default_storage.save(name, File(fh))


def _delete_quietly(name: str) -> None:
    if not name:
        return
    try:
        default_storage.delete(name)
    except Exception:
        log.exception("could not delete %s after a failed store", name)


def _failed(row: FileText, code: str) -> Outcome:
    """Record a failed attempt: pending again after a pause while attempts remain,
    failed otherwise."""
    now = timezone.now()
    if row.attempts < settings.WARKAT_OCR_ATTEMPTS:
        retry_at = now + FIRST_PAUSE * 5 ** (row.attempts - 1)
        changes = {"state": TextState.PENDING, "next_attempt_at": retry_at}
        outcome = Outcome("retry", retry_at)
    else:
        changes = {"state": TextState.FAILED, "next_attempt_at": None}
        outcome = Outcome("failed")
    updated = FileText.objects.filter(_this_attempt(row)).update(
        error=code, updated_at=now, **changes
    )
    return outcome if updated else Outcome("skipped")


def stuck_runs_release() -> int:
    """Hand back runs that outlived their timeout (a worker killed mid-run): pending
    again while attempts remain, failed otherwise. Inside the tenant's scope;
    returns how many were released."""
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.WARKAT_OCR_TIMEOUT) - STUCK_GRACE
    stuck = FileText.objects.filter(state=TextState.RUNNING, started_at__lt=cutoff)
    last = Q(attempts__gte=settings.WARKAT_OCR_ATTEMPTS)
    failed = stuck.filter(last).update(
        state=TextState.FAILED, error="interrupted", updated_at=now
    )
    again = stuck.exclude(last).update(
        state=TextState.PENDING,
        error="interrupted",
        next_attempt_at=now,
        updated_at=now,
    )
    return failed + again


def texts_due() -> list[tuple[int, int]]:
    """``(tenant_id, id)`` of the rows waiting for a run: a retry that is due, or a
    first run whose task was lost (inside the tenant's scope). The sweep queues
    them unless a task is already waiting."""
    now = timezone.now()
    return list(
        FileText.objects.filter(state=TextState.PENDING)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lt=now - LOST_AFTER)
        )
        .order_by("pk")
        .values_list("tenant_id", "pk")[:500]
    )
