"""Documents of leave and permission requests (a doctor's note, the evidence of an
important reason): which ones a request needs (tenant rules, national defaults in
``rules.DOCUMENT_RULES``), the upload check (PDF, JPEG or PNG by their content,
not by the name or the browser's word; a size limit), the storage under
``<tenant>/attendance/documents/YYYY/MM/`` and who may download them.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.utils import timezone

from warkat.attendance import errors
from warkat.attendance.access import is_personnel_office, may_review_person
from warkat.attendance.models import (
    AttendanceRequest,
    AttendanceSettings,
    RequestDocument,
    RequestKind,
)
from warkat.attendance.rules import DOCUMENT_RULES
from warkat.org.selectors import holds_position

log = logging.getLogger(__name__)

#: Largest document accepted, and most documents on one request.
MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
#: Leading bytes → (content type, extension).
SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def document_rules(settings: AttendanceSettings) -> list[tuple[str, int, str]]:
    """The tenant's rules (kind, more than N working days, document name)."""
    rows = settings.document_rules or DOCUMENT_RULES
    return [(str(k), int(n), str(name)) for k, n, name in rows]


def rules_clean(value: Any) -> list[list[int | str]]:
    """A settings change of the rules, checked (a clear 4xx when malformed)."""
    try:
        rows = [(str(k), int(n), str(name).strip()[:200]) for k, n, name in value]
    except (TypeError, ValueError) as exc:
        raise errors.setting_invalid("document_rules") from exc
    if any(
        k not in RequestKind.values or not 0 <= n <= 366 or not name
        for k, n, name in rows
    ):
        raise errors.setting_invalid("document_rules")
    return [[k, n, name] for k, n, name in sorted(rows)]


def required_documents(settings: AttendanceSettings, kind: str, days: int) -> list[str]:
    """The documents a request of ``kind`` over ``days`` working days needs."""
    return [name for k, n, name in document_rules(settings) if k == kind and days > n]


def sniff(data: bytes) -> tuple[str, str]:
    """(content type, extension) from the bytes themselves; anything else is a 4xx."""
    for magic, content_type, ext in SIGNATURES:
        if data.startswith(magic):
            return content_type, ext
    raise errors.document_invalid()


def uploads_check(uploads: list[Upload], needed: list[str]) -> list[tuple[str, Upload]]:
    """Pair the uploads with the documents needed (in order; extra ones are
    "Lampiran"); refuses a missing document, a file too large or of another type."""
    if len(uploads) > MAX_FILES:
        raise errors.documents_too_many(MAX_FILES)
    for upload in uploads:
        if not upload.data or len(upload.data) > MAX_BYTES:
            raise errors.document_too_large(MAX_BYTES // (1024 * 1024))
        sniff(upload.data)
    if len(uploads) < len(needed):
        raise errors.document_missing(needed[len(uploads) :])
    names = needed + ["Lampiran"] * (len(uploads) - len(needed))
    return list(zip(names, uploads, strict=True))


def documents_store(
    *, request: AttendanceRequest, pairs: list[tuple[str, Upload]], stored: list[str]
) -> list[RequestDocument]:
    """Write the files and their rows inside the caller's transaction; the names
    are appended to ``stored`` so the caller deletes the files on a rollback."""
    now = timezone.now()
    made = []
    for name, upload in pairs:
        content_type, ext = sniff(upload.data)
        path = (
            f"{request.tenant_id}/attendance/documents/{now:%Y}/{now:%m}/"
            f"{uuid.uuid4().hex}.{ext}"
        )
        saved = default_storage.save(path, ContentFile(upload.data))
        stored.append(saved)
        made.append(
            RequestDocument.objects.create(
                tenant_id=request.tenant_id,
                request=request,
                name=name,
                filename=_safe_name(upload.filename, ext),
                content_type=content_type,
                size=len(upload.data),
                storage_name=saved,
                created_at=now,
            )
        )
    return made


def _safe_name(filename: str, ext: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isalnum() or c in "._- ")[:150].strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem or 'dokumen'}.{ext}"


def documents_discard(names: list[str]) -> None:
    """Delete files whose transaction did not commit."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            log.exception("could not delete request document %s", name)


def may_see_documents(actor: Any, request: AttendanceRequest) -> bool:
    """The requester, whoever decided it, the holder of the approver position
    (Plt/Plh of the day included), the requester's superiors up the chain and the
    personnel office. Nobody else; another tenant never finds the request."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    person_id = getattr(actor, "person_id", None)
    if person_id is not None and person_id in (
        request.person_id,
        request.decided_by_id,
    ):
        return True
    if is_personnel_office(actor):
        return True
    if person_id is None:
        return False
    if holds_position(person=actor.person, position=request.approver_position):
        return True
    return may_review_person(actor, request.person)


def document_for_viewer(*, actor: Any, document_id: int) -> RequestDocument:
    """A document ``actor`` may download (404 otherwise: its existence is not
    revealed)."""
    document = (
        RequestDocument.objects.select_related(
            "request__person", "request__approver_position"
        )
        .filter(pk=document_id)
        .first()
    )
    if document is None or not may_see_documents(actor, document.request):
        raise errors.document_not_found()
    return document


def document_response(document: RequestDocument) -> HttpResponse:
    """The document as a private attachment (never cached, never sniffed)."""
    with default_storage.open(document.storage_name, "rb") as handle:
        response = HttpResponse(handle.read(), content_type=document.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response
