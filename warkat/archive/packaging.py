"""The handover package (penyerahan arsip statis): a BagIt bag (RFC 8493) zipped.

The bag is self-describing: ``bag-info.txt`` names the sender, the receiving
regional archive and the berita acara; ``data/metadata.json`` describes the batch
and every letter (numbers, dates, parties, classification and retention, its files
with their SHA-256); ``data/letters/<id>/`` holds each letter's files and, for a
letter signed in Warkat, its signed PDF; ``data/berita-acara.pdf`` is the signed
berita acara (every signature in it). The manifests carry SHA-256 checksums of all
of it. Secret letters are never on a handover list (``services.batches``).

Built by the ``handover_package`` task after the last signature; idempotent (a
batch past ``packaging`` is left alone). The zip is stored before the short
transaction that records it, and removed if that transaction fails.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import bagit
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from warkat.archive.models import DisposalBatch, DisposalItem
from warkat.archive.workflow import S, archive_settings, lock_batch
from warkat.audit.services import audit_record
from warkat.drafting.models import Draft
from warkat.letters.files import file_open
from warkat.letters.models import LetterFile
from warkat.signing.documents import signed_open
from warkat.signing.models import SignedDocument


def _safe(name: str) -> str:
    keep = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    return keep.strip("._") or "berkas"


def _letter_meta(item: DisposalItem, files: list[dict[str, Any]]) -> dict[str, Any]:
    letter = item.letter
    return {
        "id": letter.pk,
        "direction": letter.direction,
        "number": letter.number,
        "agenda": letter.agenda_label,
        "letter_date": letter.letter_date,
        "received_date": letter.received_date,
        "subject": letter.subject,
        "summary": letter.summary,
        "sender_institution": letter.sender_institution,
        "sender_name": letter.sender_name,
        "security": letter.security,
        "classification": item.code,
        "record_date": item.record_date,
        "retention_ended": item.due_date,
        "unit": letter.unit.name,
        "files": files,
    }


def _fill(batch: DisposalBatch, root: Path) -> dict[str, Any]:
    """Write the payload under ``root``; returns the metadata written."""
    letters = []
    items = batch.items.filter(state="open").select_related("letter__unit")
    for item in items.order_by("pk"):
        folder = root / "letters" / str(item.letter_id)
        folder.mkdir(parents=True)
        files = []
        for f in LetterFile.objects.filter(letter_id=item.letter_id).order_by("pk"):
            target = folder / f"{f.pk}-{_safe(f.original_name)}"
            with file_open(f.storage_name) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            files.append(
                {
                    "path": str(target.relative_to(root)),
                    "name": f.original_name,
                    "sha256": f.sha256,
                    "kind": f.kind,
                }
            )
        draft = Draft.objects.filter(letter_id=item.letter_id).first()
        if draft is not None and draft.signed_document_id is not None:
            doc = SignedDocument.objects.get(pk=draft.signed_document_id)
            target = folder / "signed.pdf"
            target.write_bytes(signed_open(doc))
            files.append(
                {
                    "path": str(target.relative_to(root)),
                    "name": "signed.pdf",
                    "sha256": doc.sha256,
                    "kind": "signed",
                    "verification_code": doc.verification_code,
                }
            )
        letters.append(_letter_meta(item, files))
    last = batch.signatures.select_related("document").order_by("-order").first()
    assert last is not None and last.document is not None
    (root / "berita-acara.pdf").write_bytes(signed_open(last.document))
    meta = {
        "profile": "warkat-penyerahan/1",
        "tenant": batch.tenant.name,
        "batch": {
            "id": batch.pk,
            "title": batch.title,
            "unit": batch.unit.name,
            "signed_at": batch.signed_at,
            "anri_approval": batch.anri_approval,
            "berita_acara": "berita-acara.pdf",
            "berita_acara_verification": last.document.verification_code,
        },
        "letters": letters,
    }
    (root / "metadata.json").write_text(
        json.dumps(meta, default=str, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return meta


def package_build(batch: DisposalBatch) -> bytes:
    """The zipped bag of ``batch`` (no writes to the database or the storage)."""
    conf = archive_settings()
    with tempfile.TemporaryDirectory(prefix="warkat-bag-") as tmp:
        bag_dir = Path(tmp) / f"penyerahan-{batch.pk}"
        bag_dir.mkdir()
        meta = _fill(batch, bag_dir)
        bagit.make_bag(
            str(bag_dir),
            bag_info={
                "Source-Organization": batch.tenant.name,
                "Contact-Name": batch.unit.name,
                "External-Description": f"Penyerahan arsip statis: {batch.title}",
                "External-Identifier": f"BA/PENYERAHAN/{batch.pk}",
                "Bag-Group-Identifier": conf.regional_archive
                or "lembaga kearsipan daerah",
                "Payload-Letters": str(len(meta["letters"])),
            },
            checksums=["sha256"],
        )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(bag_dir.rglob("*")):
                if path.is_file():
                    archive.write(path, str(path.relative_to(Path(tmp))))
        return out.getvalue()


def handover_package_make(*, batch_id: int) -> DisposalBatch:
    """Build, store and record the package; the handover is then done."""
    batch = DisposalBatch.objects.select_related("tenant", "unit").get(pk=batch_id)
    if batch.state != S.PACKAGING:
        return batch
    data = package_build(batch)
    name = default_storage.save(
        f"archive/{batch.tenant_id}/penyerahan-{batch.pk}.zip", ContentFile(data)
    )
    try:
        return _recorded(batch_id, name, data)
    except BaseException:
        default_storage.delete(name)
        raise


@transaction.atomic
def _recorded(batch_id: int, name: str, data: bytes) -> DisposalBatch:
    batch = lock_batch(DisposalBatch(pk=batch_id))
    if batch.state != S.PACKAGING:
        default_storage.delete(name)
        return batch
    batch.package_name = name
    batch.package_sha256 = hashlib.sha256(data).hexdigest()
    batch.package_size = len(data)
    batch.state = S.DONE
    batch.done_at = timezone.now()
    batch.save(
        update_fields=[
            "package_name",
            "package_sha256",
            "package_size",
            "state",
            "done_at",
        ]
    )
    DisposalItem.objects.filter(batch=batch, state="open").update(state="done")
    audit_record(
        tenant=batch.tenant,
        actor=None,
        action="archive.handover_packaged",
        obj=batch,
        data={"sha256": batch.package_sha256, "size": batch.package_size},
    )
    return batch


def package_open(batch: DisposalBatch) -> bytes:
    with default_storage.open(batch.package_name, "rb") as handle:
        return handle.read()
