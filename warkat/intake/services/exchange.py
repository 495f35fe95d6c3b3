"""Exchange with the national e-office (no API): exporting a letter as a package
(``warkat.intake.exchange``) and importing one as a draft incoming letter for the
TU, with the signature of its PDF verified (``warkat.signing.verification``).

A package whose checksums do not match, or whose PDF carries a signature that no
longer covers it (altered after signing), is refused: a refused item records the
reason and nothing else is stored. A package whose PDF is unsigned, or signed by
someone Warkat does not trust, becomes a pending item flagged with that result."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.core.errors import ValidationError
from warkat.intake import errors, exchange
from warkat.intake.models import InboundItem
from warkat.intake.services.items import NamedBytes, item_files_store, refusal_fields
from warkat.letters.access import is_tenant_admin, letters_visible, tu_unit_ids
from warkat.letters.files import CheckedFile, file_check, file_open, stored_files_guard
from warkat.letters.models import Letter
from warkat.org.models import Unit
from warkat.signing.models import SignedDocument
from warkat.signing.verification import bsre_trust_roots, pdf_check, upload_check


def _metadata(letter: Letter, signed: SignedDocument | None) -> dict[str, Any]:
    code = letter.classification.code if letter.classification else ""
    outgoing = letter.direction == "outgoing"
    tenant = letter.tenant.name
    addressed = letter.addressed_position
    return {
        "jenis_naskah": "Surat",
        "arah": letter.direction,
        "nomor": letter.number,
        "tanggal": letter.letter_date.isoformat() if letter.letter_date else None,
        "sifat_naskah": letter.security,
        "klasifikasi_keamanan": letter.security,
        "tingkat_urgensi": letter.urgency,
        "kode_klasifikasi": code,
        "perihal": letter.subject,
        "ringkasan": letter.summary,
        "pengirim": {
            "nama": signed.signer_name if signed else letter.sender_name,
            "jabatan": signed.signer_position if signed else "",
            "instansi": tenant if outgoing else letter.sender_institution,
        },
        "penerima": {
            "jabatan": addressed.name if addressed else "",
            "unit": letter.unit.name,
            "instansi": "" if outgoing else tenant,
        },
        "penandatangan": {
            "nama": signed.signer_name,
            "jabatan": signed.signer_position,
            "nip": signed.signer_nip,
            "waktu": signed.signed_at.isoformat(),
            "kode_verifikasi": signed.verification_code,
        }
        if signed
        else None,
        "asal": {
            "aplikasi": "Warkat",
            "instansi": tenant,
            "agenda": letter.agenda_label if letter.agenda_number else "",
        },
        "diekspor": timezone.now().isoformat(),
    }


def exchange_export(*, actor: Any, letter_id: int) -> tuple[str, bytes]:
    """The package of a letter ``actor`` may read in full: a Rahasia letter only
    by the people in its chain (``letters_visible``). Audited."""
    letter = (
        letters_visible(actor)
        .select_related("classification", "unit", "addressed_position", "tenant")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None:
        if Letter.objects.filter(pk=letter_id).exists():
            raise errors.export_forbidden()
        raise errors.item_not_found()
    files = list(letter.files.order_by("kind", "pk"))
    main = next(
        (f for f in files if f.kind == "main" and f.content_type == "application/pdf"),
        None,
    )
    if main is None:
        raise errors.package_invalid(_("the letter has no PDF"))

    def read(storage_name: str) -> bytes:
        with file_open(storage_name) as handle:
            return bytes(handle.read())

    signed = SignedDocument.objects.filter(sha256=main.sha256).order_by("pk").first()
    data = exchange.package_build(
        metadata=_metadata(letter, signed),
        main=read(main.storage_name),
        attachments=[
            (f.original_name, read(f.storage_name)) for f in files if f != main
        ],
    )
    with transaction.atomic():
        audit_record(
            tenant=letter.tenant,
            actor=actor,
            action="intake.package_export",
            obj=letter,
            data={"sha256": hashlib.sha256(data).hexdigest()},
        )
    return f"naskah-{letter.pk}.zip", data


def _verify(pdf: bytes) -> dict[str, Any]:
    """What is known of the PDF's signatures (stored on the item)."""
    verdict = upload_check(pdf=pdf)
    if verdict.verification is not None:
        v = verdict.verification
        intact = bool(v.checks) and all(c.intact for c in v.checks)
        return {
            "status": "valid" if v.valid else ("untrusted" if intact else "altered"),
            "known": True,
            "issuer": v.tenant.name,
            "signer": v.document.signer_name,
            "signatures": len(v.checks),
        }
    checks = pdf_check(pdf, roots=bsre_trust_roots())
    if not checks:
        return {"status": "unsigned", "known": False, "signatures": 0}
    if not all(c.intact for c in checks):
        return {"status": "altered", "known": False, "signatures": len(checks)}
    trusted = all(c.trusted for c in checks)
    return {
        "status": "valid" if trusted else "untrusted",
        "known": False,
        "signer": checks[0].signer,
        "signatures": len(checks),
    }


def exchange_import(*, actor: Any, unit: Unit, data: bytes) -> InboundItem:
    """Check a package and record it in ``unit``'s queue: pending (its files
    stored, the verification kept) or refused with the reason. Never registers."""
    if not (is_tenant_admin(actor) or unit.pk in tu_unit_ids(actor)):
        raise errors.item_forbidden()
    checked: list[CheckedFile] = []
    metadata: dict[str, Any] = {}
    verification: dict[str, Any] = {}
    try:
        package = exchange.package_read(data, limit=settings.WARKAT_MAILIN_MAX_BYTES)
        metadata = package.metadata
        for name, content in [package.main, *package.attachments]:
            checked.append(file_check(upload=NamedBytes(content, name)))
        if checked[0].extension != "pdf":
            raise errors.package_invalid(_("the letter is not a PDF"))
        verification = _verify(checked[0].data)
        if verification["status"] == "altered":
            raise errors.package_invalid(
                _(
                    "the signature of the PDF does not match its content (altered after signing)"
                )
            )
        fields: dict[str, Any] = {"state": InboundItem.State.PENDING}
    except ValidationError as exc:
        fields = refusal_fields(exc)
        checked = []
    sender: Any = metadata.get("pengirim")
    if not isinstance(sender, dict):
        sender = {}
    with stored_files_guard() as stored, transaction.atomic():
        item = InboundItem.objects.create(
            tenant=unit.tenant,
            unit=unit,
            source=InboundItem.Source.EXCHANGE,
            sender_name=str(sender.get("nama") or "")[:300],
            subject=str(metadata.get("perihal") or "")[:500],
            size=len(data),
            metadata=metadata,
            verification=verification,
            handled_by=None,
            **fields,
        )
        item_files_store(item=item, checked=checked, stored=stored)
        refused = item.state == InboundItem.State.REFUSED
        audit_record(
            tenant=unit.tenant,
            actor=actor,
            action="intake.package_refuse" if refused else "intake.package_import",
            obj=item,
            data={
                "verification": verification.get("status", ""),
                "reason": item.reason_en[:200],
            },
        )
    return item
