"""Checking and storing uploaded files (scans, attachments, follow-up reports).

Types are decided by content (magic bytes) and confirmed by parsing the file, so a
renamed executable or a truncated PDF is refused with a clear message. Files are
stored before the row that points at them; ``stored_files_guard`` deletes them again
when the surrounding service fails, and ``orphan_files_sweep`` removes any left over
by a transaction that rolled back after the service returned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import puremagic
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.letters.errors import file_refused, storage_failed
from warkat.letters.errors import lazy_message as _reason

log = logging.getLogger(__name__)


#: Accepted content types and the extension they are stored under.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}
_NAME_EXTENSIONS = {
    "pdf": "pdf",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
}


class Upload(Protocol):
    name: str | None

    def read(self, size: int = ...) -> bytes: ...


@dataclass(frozen=True)
class CheckedFile:
    name: str
    data: bytes
    content_type: str
    extension: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def file_check(*, upload: Upload) -> CheckedFile:
    """Read ``upload`` and make sure it is a whole PDF, JPG or PNG within the limit."""
    name = (upload.name or "berkas").rsplit("/", 1)[-1][:255]
    limit = settings.WARKAT_UPLOAD_MAX_BYTES
    data = upload.read(limit + 1)
    if not data:
        raise file_refused(name, _("the file is empty"))
    if len(data) > limit:
        raise file_refused(
            name,
            _reason(_("it is larger than %(mb)s MB"), {"mb": limit // (1024 * 1024)}),
        )
    try:
        content_type = puremagic.from_string(data, mime=True)
    except (puremagic.PureError, ValueError):
        content_type = ""
    extension = ALLOWED_TYPES.get(content_type)
    if extension is None:
        raise file_refused(name, _("only PDF, JPG and PNG files are accepted"))
    claimed = (
        _NAME_EXTENSIONS.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None
    )
    if claimed is not None and claimed != extension:
        raise file_refused(
            name,
            _reason(
                _("its name says %(claimed)s but its content is %(actual)s"),
                {"claimed": claimed.upper(), "actual": extension.upper()},
            ),
        )
    if not _parses(data, extension):
        raise file_refused(name, _("the file is damaged and cannot be opened"))
    return CheckedFile(
        name=name,
        data=data,
        content_type=content_type,
        extension=extension,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _parses(data: bytes, extension: str) -> bool:
    try:
        if extension == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data), strict=False)
            return len(reader.pages) > 0
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
        return True
    except Exception:
        # Any parser failure means the file cannot be shown to the reader.
        return False


class StoredFiles:
    """The files one service stored; deleted again if the service fails."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def store(self, *, tenant_id: int, checked: CheckedFile) -> str:
        name = file_store(tenant_id=tenant_id, checked=checked)
        self.names.append(name)
        return name

    def discard(self) -> None:
        for name in self.names:
            _delete_quietly(name)
        self.names.clear()


@contextmanager
def stored_files_guard() -> Iterator[StoredFiles]:
    """Delete every file stored through the yielded object if the block raises."""
    stored = StoredFiles()
    try:
        yield stored
    except BaseException:
        stored.discard()
        raise


def file_store(*, tenant_id: int, checked: CheckedFile) -> str:
    """Write ``checked`` to the default storage; returns the storage name."""
    now = timezone.now()
    name = f"{tenant_id}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{checked.extension}"
    try:
        return default_storage.save(name, ContentFile(checked.data))
    except Exception as exc:
        log.exception("storing %s failed", name)
        raise storage_failed() from exc


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:
        log.exception("could not delete %s after a failed transaction", name)


def orphan_files_sweep(
    *, tenant_id: int, known: set[str], older_than: dt.timedelta, months: int = 2
) -> list[str]:
    """Delete files under the tenant's recent month folders that no row refers to.

    ``known`` is the set of storage names rows point at. Only files older than
    ``older_than`` are touched, so an upload whose transaction is still open is safe.
    """
    removed: list[str] = []
    now = timezone.now()
    cutoff = now - older_than
    day = now.date().replace(day=1)
    for _i in range(months):
        folder = f"{tenant_id}/{day:%Y}/{day:%m}"
        for name in _listdir_files(folder):
            full = f"{folder}/{name}"
            if full in known:
                continue
            try:
                modified = default_storage.get_modified_time(full)
            except (OSError, NotImplementedError):
                continue
            if modified <= cutoff:
                _delete_quietly(full)
                removed.append(full)
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return removed


def _listdir_files(folder: str) -> list[str]:
    try:
        _dirs, files = default_storage.listdir(folder)
    except (OSError, FileNotFoundError):
        return []
    return list(files)


def file_open(storage_name: str) -> Any:
    return default_storage.open(storage_name, "rb")
