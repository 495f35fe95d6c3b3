"""Selfies at check-in (a tenant setting, off by default).

The phone sends a picture (base64, already shrunk by the page); the server decodes
it with Pillow, applies the EXIF orientation, and re-encodes it as a small JPEG
without any metadata (no GPS, no camera serial). The file lives in the default
storage under ``<tenant>/attendance/selfies/YYYY/MM/`` (outside the letters'
month folders that their orphan sweep walks), is streamed only to the person's
superiors and the personnel office, and is deleted after the tenant's retention
by the periodic purge, which keeps the row with ``purged_at`` as the trace.

Offline check-ins (queued on the phone while there is no network) carry no selfie:
a picture is too large for the phone's queue and would arrive late anyway, so a
record from the offline queue is accepted without one (its offline source shows).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from warkat.attendance import errors
from warkat.attendance.access import is_personnel_office, may_review_person
from warkat.attendance.models import AttendanceSettings, CheckIn, CheckInSelfie

log = logging.getLogger(__name__)

#: Largest picture accepted (decoded bytes) and its largest side in pixels.
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
#: Stored pictures fit in this square.
SIDE = 480
QUALITY = 80


@dataclass(frozen=True)
class Picture:
    data: bytes
    width: int
    height: int


def selfie_decode(raw: str) -> Picture:
    """A base64 picture (or a ``data:image/...;base64,`` URL) → a small JPEG
    without metadata. Anything unreadable is a clear 4xx."""
    text = raw.strip()
    if text.startswith("data:"):
        _head, _sep, text = text.partition(",")
    if not text or len(text) > MAX_BYTES * 4 // 3 + 4:
        raise errors.selfie_invalid()
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise errors.selfie_invalid() from exc
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in ("JPEG", "PNG", "WEBP"):
                raise errors.selfie_invalid()
            if img.width * img.height > MAX_PIXELS:
                raise errors.selfie_invalid()
            img.load()
            upright = ImageOps.exif_transpose(img)
            small = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise errors.selfie_invalid() from exc
    except Image.DecompressionBombError as exc:
        raise errors.selfie_invalid() from exc
    small.thumbnail((SIDE, SIDE))
    out = io.BytesIO()
    # A fresh image carries no EXIF/XMP/ICC: nothing but pixels is written.
    clean = Image.new("RGB", small.size)
    clean.paste(small)
    clean.save(out, "JPEG", quality=QUALITY, optimize=True)
    return Picture(out.getvalue(), clean.width, clean.height)


def selfie_store(
    *, record: CheckIn, picture: Picture, stored: list[str]
) -> CheckInSelfie:
    """Write the picture and its row inside the caller's transaction; the name is
    appended to ``stored`` so the caller deletes the file if that rolls back."""
    now = timezone.now()
    name = (
        f"{record.tenant_id}/attendance/selfies/{now:%Y}/{now:%m}/"
        f"{uuid.uuid4().hex}.jpg"
    )
    saved = default_storage.save(name, ContentFile(picture.data))
    stored.append(saved)
    return CheckInSelfie.objects.create(
        tenant_id=record.tenant_id,
        record=record,
        storage_name=saved,
        width=picture.width,
        height=picture.height,
        size=len(picture.data),
        created_at=now,
    )


def selfies_discard(names: list[str]) -> None:
    """Delete pictures whose transaction did not commit."""
    for name in names:
        _delete_quietly(name)


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:
        log.exception("could not delete selfie %s", name)


def may_view_selfie(actor: Any, record: CheckIn) -> bool:
    """The person's superiors (their subtree, Plt/Plh included) and the personnel
    office. Not the person themself, not a colleague, not another tenant."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if is_personnel_office(actor):
        return actor.person_id != record.person_id
    return may_review_person(actor, record.person, record.day)


def selfie_for_viewer(*, actor: Any, record_id: int) -> CheckInSelfie:
    """The selfie of a record, if ``actor`` may see it (404 otherwise, so its
    existence is not revealed to others)."""
    selfie = (
        CheckInSelfie.objects.select_related("record__person")
        .filter(record_id=record_id)
        .first()
    )
    if selfie is None or not may_view_selfie(actor, selfie.record):
        raise errors.selfie_not_found()
    if not selfie.storage_name:
        raise errors.selfie_not_found()
    return selfie


def selfie_open(selfie: CheckInSelfie) -> Any:
    return default_storage.open(selfie.storage_name, "rb")


def selfies_purge(*, settings: AttendanceSettings, now: dt.datetime) -> int:
    """Delete the pictures older than the tenant's retention; the rows keep
    ``purged_at``. Each row is purged in its own short transaction."""
    cutoff = now - dt.timedelta(days=settings.selfie_retention_days)
    due = list(
        CheckInSelfie.objects.filter(
            purged_at__isnull=True, created_at__lt=cutoff
        ).values_list("pk", "storage_name")[:5000]
    )
    purged = 0
    for pk, name in due:
        # The row says "purged" only if the file is really gone: a failing delete
        # rolls the row back and the next run tries again.
        try:
            with transaction.atomic():
                changed = CheckInSelfie.objects.filter(
                    pk=pk, purged_at__isnull=True
                ).update(purged_at=now, storage_name="")
                if changed and name:
                    default_storage.delete(name)
        except OSError:
            log.exception("could not purge selfie %s", name)
            continue
        purged += changed
    return purged
