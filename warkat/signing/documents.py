"""Signing a PDF: the one domain call both providers sit behind.

Two steps, so that a letter workflow can sign all-or-nothing:

1. ``signer_unlock(...)`` — *before* the caller opens its transaction: checks the
   signer's TOTP code and passphrase and returns a ``SigningCredential`` holding the
   unlocked key (tenant CA) or the secret for BSrE, in memory only. Wrong
   passphrases are counted in their own transaction so the count survives the
   caller's rollback; the fifth locks the certificate.
2. inside the caller's transaction (lock the letter → allocate the number → render →)
   ``document_sign(credential=..., pdf_bytes=...)`` — signs (fails closed with
   ``ServiceUnavailable`` before any write when the TSA or BSrE does not answer),
   stores the signed PDF and its ``SignedDocument`` row, records the audit event.
   A caller that must not hold locks while signing splits it: ``signature_make``
   (slow, no writes, no transaction needed), then ``document_store`` inside its
   short transaction (see ``drafting.sending``).

Wrap the caller's transaction in ``signed_files_guard()`` so a signed file written by
``document_sign`` is deleted again when anything later in the transaction fails;
``signed_orphans_sweep`` removes files of transactions killed mid-way.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

from warkat.audit.services import AuditEntry, audit_record, audit_records
from warkat.core.memo import per_action
from warkat.org.models import Person
from warkat.signing import errors, keystore, pki, services, tsaclient
from warkat.signing.models import (
    BsreAccount,
    CertificateAuthority,
    Provider,
    SignedDocument,
    SignerCertificate,
)
from warkat.signing.providers import bsre, presign, tenant_ca
from warkat.signing.providers.base import (
    DEFAULT_BOX,
    SignRequest,
    StampInfo,
    pdf_open,
)
from warkat.signing.render import SignatureBox
from warkat.tenancy.models import Tenant

log = logging.getLogger(__name__)
Status = SignerCertificate.Status
STORAGE_PREFIX = "signed"

__all__ = [
    "Signature", "SignatureResult", "SigningCredential", "StampInfo",
    "document_audit_entry", "document_sign", "document_store", "footer_text",
    "signature_make", "signed_files_guard", "signed_orphans_sweep",
    "signer_unlock", "verification_code_new", "verification_url",
]  # fmt: skip

FOOTER_BSRE = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat "
    "elektronik yang diterbitkan oleh Balai Sertifikasi Elektronik (BSrE), Badan "
    "Siber dan Sandi Negara. Sesuai UU ITE No. 11 Tahun 2008 Pasal 5 Ayat 1, "
    "\u201cInformasi Elektronik dan/atau Dokumen Elektronik dan/atau hasil cetaknya "
    "merupakan alat bukti hukum yang sah.\u201d Tidak perlu ditandatangani lagi "
    "secara fisik. Keaslian dokumen dapat diperiksa di {url}"
)
# The tenant CA is not an Indonesian PSrE (PP 71/2019 Pasal 60(4)): the text says
# who issued the certificate and does not claim BSrE.
FOOTER_TENANT_CA = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat "
    "elektronik yang diterbitkan oleh otoritas sertifikat {tenant} melalui aplikasi "
    "Warkat. Tidak perlu ditandatangani lagi secara fisik. Keaslian dokumen dapat "
    "diperiksa dengan memindai kode QR atau di {url}"
)


def verification_code_new() -> str:
    """A random, unguessable token for the QR code and the verification page."""
    return secrets.token_urlsafe(18)


def verification_url(code: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(
        "signing:verify", kwargs={"code": code}
    )


def footer_text(
    *, tenant: Tenant, verification_url: str, provider: str | None = None
) -> str:
    """The footer a signed letter carries (reference §4.3); the tenant may set its
    own text in the signing settings (``{url}`` is replaced)."""
    settings_row = services.settings_for(tenant)
    chosen = provider or settings_row.provider
    template = settings_row.footer_text or (
        FOOTER_BSRE if chosen == Provider.BSRE else FOOTER_TENANT_CA
    )
    return template.replace("{url}", verification_url).replace("{tenant}", tenant.name)


# --- step 1: unlock ---------------------------------------------------------------


class _Secret:
    """Holds a passphrase without ever showing it in a repr, log or traceback."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__


@dataclass
class SigningCredential:
    """A signer proven by TOTP and passphrase, for one signing request. In memory
    only: never store, queue or log it."""

    tenant: Tenant
    person: Person
    user: Any
    provider: str
    certificate: SignerCertificate | None = None
    key: Any = field(default=None, repr=False)
    bsre_account: BsreAccount | None = None
    secret: _Secret | None = field(default=None, repr=False)


def _otp_check(*, user: Any, otp: str) -> None:
    authenticator = Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.TOTP
    ).first()
    if authenticator is None:
        raise errors.totp_missing()
    code = (otp or "").replace(" ", "")
    if not code or not authenticator.wrap().validate_code(code):
        raise errors.otp_wrong()


def _active_certificate(person: Person) -> SignerCertificate:
    cert = SignerCertificate.objects.filter(person=person, status=Status.ACTIVE).first()
    if cert is None:
        latest = (
            SignerCertificate.objects.filter(person=person)
            .exclude(status=Status.REQUESTED)
            .order_by("-issued_at", "-pk")
            .first()
        )
        if latest is not None and latest.status == Status.REVOKED:
            raise errors.certificate_revoked()
        if latest is not None and latest.status == Status.EXPIRED:
            raise errors.certificate_expired()
        raise errors.no_certificate()
    if cert.effective_status == Status.EXPIRED:
        raise errors.certificate_expired()
    if cert.locked_at is not None:
        raise errors.certificate_locked()
    return cert


@transaction.atomic
def _failure_record(*, cert: SignerCertificate, user: Any) -> int:
    """Count a wrong passphrase; returns the tries left (0 = now locked)."""
    row = SignerCertificate.objects.select_for_update().get(pk=cert.pk)
    row.failed_attempts += 1
    limit = settings.WARKAT_SIGNING_MAX_TRIES
    if row.failed_attempts >= limit and row.locked_at is None:
        row.locked_at = timezone.now()
        audit_record(
            tenant=cert.tenant, actor=user, action="signing.certificate_locked", obj=row
        )
    row.save(update_fields=["failed_attempts", "locked_at"])
    audit_record(
        tenant=cert.tenant,
        actor=user,
        action="signing.passphrase_wrong",
        obj=row,
        data={"failed_attempts": row.failed_attempts},
    )
    return max(0, limit - row.failed_attempts)


def signer_unlock(
    *,
    tenant: Tenant,
    signer_person: Person,
    signer_user: Any,
    passphrase: str,
    otp: str,
) -> SigningCredential:
    """Prove the signer: TOTP code and passphrase. Call it *outside* the caller's
    transaction so that wrong passphrases are counted even when it rolls back."""
    if signer_user.person_id != signer_person.pk or signer_user.tenant_id != tenant.pk:
        raise errors.not_signer()
    if not passphrase:
        raise errors.passphrase_required()
    _otp_check(user=signer_user, otp=otp)
    provider = services.settings_for(tenant).provider
    if provider == Provider.BSRE:
        account = BsreAccount.objects.filter(person=signer_person).first()
        if account is None:
            raise errors.bsre_account_missing()
        return SigningCredential(
            tenant=tenant,
            person=signer_person,
            user=signer_user,
            provider=provider,
            bsre_account=account,
            secret=_Secret(passphrase),
        )
    cert = _active_certificate(signer_person)
    try:
        key = keystore.key_unlock(
            bytes(cert.encrypted_key),
            passphrase=passphrase,
            label=services.key_label(cert),
            public_key_der=bytes(cert.public_key_der),
        )
    except keystore.WrongPassphrase:
        remaining = _failure_record(cert=cert, user=signer_user)
        if remaining == 0:
            raise errors.certificate_locked() from None
        raise errors.passphrase_wrong(remaining) from None
    if cert.failed_attempts:
        SignerCertificate.objects.filter(pk=cert.pk).update(failed_attempts=0)
    return SigningCredential(
        tenant=tenant,
        person=signer_person,
        user=signer_user,
        provider=provider,
        certificate=cert,
        key=key,
    )


# --- step 2: sign -----------------------------------------------------------------


@dataclass(frozen=True)
class SignatureResult:
    signed_pdf: bytes
    document: SignedDocument
    verification_url: str


_guard: ContextVar[list[str] | None] = ContextVar("warkat_signed_files", default=None)


@contextmanager
def signed_files_guard() -> Iterator[None]:
    """Delete signed files stored inside the block if the block raises (wrap the
    caller's ``transaction.atomic`` in it)."""
    names: list[str] = []
    token = _guard.set(names)
    try:
        yield
    except BaseException:
        for name in names:
            _delete_quietly(name)
        raise
    finally:
        _guard.reset(token)


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:
        log.exception("could not delete %s after a failed signing", name)


def _store(*, tenant_id: int, data: bytes) -> str:
    now = timezone.now()
    name = f"{STORAGE_PREFIX}/{tenant_id}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.pdf"
    stored = default_storage.save(name, ContentFile(data))
    names = _guard.get()
    if names is not None:
        names.append(stored)
    return stored


def _tenant_material(ca: CertificateAuthority) -> tenant_ca.CaMaterial:
    root = pki.cached_cert(bytes(ca.root_cert_der))
    intermediate = pki.cached_cert(bytes(ca.intermediate_cert_der))
    if settings.WARKAT_TSA_URL:
        # An external TSA's chain cannot be checked offline: B-T only.
        return tenant_ca.CaMaterial(
            root=root,
            intermediate=intermediate,
            timestamper=tsaclient.timestamper(
                settings.WARKAT_TSA_URL, settings.WARKAT_TSA_TIMEOUT
            ),
        )
    ca = services.ca_crl_refresh(ca=ca)
    return tenant_ca.CaMaterial(
        root=root,
        intermediate=intermediate,
        timestamper=_timestamper(ca),
        crls=[bytes(ca.crl_der), bytes(ca.root_crl_der)],
    )


def _timestamper(ca: CertificateAuthority) -> pki.TenantTimeStamper:
    return _cached_timestamper(
        bytes(ca.tsa_cert_der),
        bytes(ca.tsa_key),
        services.ca_labels(ca)["tsa"],
        bytes(ca.intermediate_cert_der),
        bytes(ca.root_cert_der),
    )


# One entry per tenant CA (a province may host dozens of kabupaten/kota).
@functools.lru_cache(maxsize=128)
def _cached_timestamper(
    tsa_der: bytes, tsa_key: bytes, label: str, intermediate_der: bytes, root_der: bytes
) -> pki.TenantTimeStamper:
    return pki.TenantTimeStamper(
        tsa_cert=pki.cached_cert(tsa_der),
        tsa_key=pki.cached_ca_key(tsa_key, label),
        chain=[pki.cached_cert(intermediate_der), pki.cached_cert(root_der)],
    )


def tenant_timestamper(tenant: Tenant) -> pki.TenantTimeStamper:
    """The tenant's built-in TSA (also served over HTTP at /pki/<tenant>/tsa)."""
    return _timestamper(services.ca_for(tenant))


def _ocsp_for(ca: CertificateAuthority, cert: Any, cert_der: bytes) -> bytes:
    """The responder's answer for a certificate the caller has just found active
    in the database (no second lookup), made once and kept while fresh."""
    return presign.ocsp_answer(
        cert_der, lambda: _ocsp_make(ca, cert), now=timezone.now()
    )


def _ocsp_make(ca: CertificateAuthority, cert: Any) -> bytes:
    intermediate = pki.cached_cert(bytes(ca.intermediate_cert_der))
    return pki.ocsp_respond(
        request_der=pki.ocsp_request_build(cert=cert, issuer_cert=intermediate),
        issuer_cert=intermediate,
        issuer_key=services.ca_key(ca, "intermediate"),
        lookup=lambda _serial: pki.OcspStatus(cert=cert),
    )


@per_action  # once per batch of letters (``core.memo``)
def _tenant_ca_ready(cert_id: int, tenant: Tenant) -> tuple[Any, tenant_ca.CaMaterial]:
    """The signer's certificate, checked again, and the CA material to sign with."""
    cert_row = SignerCertificate.objects.get(pk=cert_id)
    # Revoked or expired since the unlock: refuse (Pasal 62 PP 71/2019).
    if cert_row.effective_status == Status.REVOKED:
        raise errors.certificate_revoked()
    if cert_row.effective_status != Status.ACTIVE:
        raise errors.certificate_expired()
    ca, der = services.ca_for(tenant), bytes(cert_row.cert_der)
    cert, material = pki.cached_cert(der), _tenant_material(ca)
    if material.crls:
        material.ocsps = [_ocsp_for(ca, cert, der)]
    return cert, material


def _sign_tenant_ca(credential: SigningCredential, request: SignRequest) -> Any:
    assert credential.certificate is not None
    cert, material = _tenant_ca_ready(credential.certificate.pk, credential.tenant)
    try:
        return tenant_ca.sign(
            request=request, key=credential.key, cert=cert, material=material
        )
    except TimestampRequestError as exc:
        log.warning("timestamp authority unavailable: %s", type(exc).__name__)
        raise errors.tsa_unavailable() from None


@dataclass(frozen=True)
class Signature:
    """A signed PDF made by ``signature_make``, not stored yet."""

    signed_pdf: bytes
    source_sha256: str
    verification_code: str
    certificate_serial: str
    pades_level: str


def signature_make(
    *,
    credential: SigningCredential,
    pdf_bytes: bytes,
    stamp: StampInfo,
    field_box: SignatureBox | None = None,
    verification_code: str | None = None,
    reason: str = "",
    location: str = "",
) -> Signature:
    """Sign ``pdf_bytes`` for ``credential``'s signer (the slow part: signature and
    timestamp) without storing anything and without needing a transaction, so a
    caller can do it while holding no lock. A TSA or BSrE that does not answer
    raises ``ServiceUnavailable``."""
    reader = pdf_open(pdf_bytes)
    code = verification_code or verification_code_new()
    request = SignRequest(
        pdf=pdf_bytes,
        reader=reader,
        box=field_box or DEFAULT_BOX,
        stamp=stamp,
        verification_url=verification_url(code),
        reason=reason,
        location=location or credential.tenant.name,
    )
    if credential.provider == Provider.BSRE:
        assert credential.bsre_account is not None and credential.secret is not None
        result = bsre.sign(
            request=request,
            account=credential.bsre_account,
            passphrase=credential.secret.reveal(),
        )
    else:
        result = _sign_tenant_ca(credential, request)
    return Signature(
        signed_pdf=result.signed_pdf,
        source_sha256=hashlib.sha256(pdf_bytes).hexdigest(),
        verification_code=code,
        certificate_serial=result.certificate_serial,
        pades_level=result.pades_level,
    )


@transaction.atomic(savepoint=False)  # nested: a failure fails the caller anyway
def document_store(
    *,
    credential: SigningCredential,
    signature: Signature,
    stamp: StampInfo,
    security: str = "biasa",
    letter_number: str = "",
    letter_date: dt.date | None = None,
    audit: bool = True,
) -> SignatureResult:
    """Store a signature made by ``signature_make`` once: the file, its
    ``SignedDocument`` row and the audit event. Run it inside the caller's
    transaction (and ``signed_files_guard``) to make the step atomic.
    ``audit=False``: the caller records it (``document_audit_entry``) at the end of its
    transaction, so that the tenant's audit chain, which every writer of the
    tenant takes in turn, is held only for the last moment."""
    signed = signature.signed_pdf
    name = _store(tenant_id=credential.tenant.pk, data=signed)
    try:
        document = SignedDocument(
            tenant=credential.tenant,
            verification_code=signature.verification_code,
            sha256=hashlib.sha256(signed).hexdigest(),
            source_sha256=signature.source_sha256,
            storage_name=name,
            size=len(signed),
            provider=credential.provider,
            certificate=credential.certificate,
            certificate_serial=signature.certificate_serial,
            signer_person=credential.person,
            signer_user=credential.user,
            signer_name=stamp.name,
            signer_nip=stamp.nip,
            signer_position=stamp.position.replace("\n", " ").strip(),
            signed_at=timezone.now(),
            security=security,
            letter_number=letter_number,
            letter_date=letter_date,
            pades_level=signature.pades_level,
        )
        document.save()
        if audit:
            entry = document_audit_entry(
                credential=credential, document=document, stamp=stamp
            )
            audit_records(tenant=credential.tenant, entries=[entry])
    except BaseException:
        _delete_quietly(name)
        raise
    return SignatureResult(
        signed_pdf=signed,
        document=document,
        verification_url=verification_url(signature.verification_code),
    )


def document_audit_entry(
    *, credential: SigningCredential, document: SignedDocument, stamp: StampInfo
) -> AuditEntry:
    """The audit event of a stored signed document (``document_store``), to
    append with ``audit.services.audit_records``."""
    return AuditEntry(
        actor=credential.user,
        action="signing.document_signed",
        obj=document,
        capacity=stamp.position.split("\n")[0][:60],
        data={
            "sha256": document.sha256,
            "provider": document.provider,
            "serial": document.certificate_serial,
            "level": document.pades_level,
        },
    )


@transaction.atomic
def document_sign(
    *,
    credential: SigningCredential,
    pdf_bytes: bytes,
    stamp: StampInfo,
    field_box: SignatureBox | None = None,
    verification_code: str | None = None,
    security: str = "biasa",
    letter_number: str = "",
    letter_date: dt.date | None = None,
    reason: str = "",
    location: str = "",
) -> SignatureResult:
    """Sign ``pdf_bytes`` for ``credential``'s signer and store the result once
    (``signature_make`` then ``document_store``).

    Nothing is written before the provider has returned a signed PDF; a TSA or BSrE
    that does not answer raises ``ServiceUnavailable``. Run it inside the caller's
    transaction (and ``signed_files_guard``) to make the whole step atomic.
    """
    signature = signature_make(
        credential=credential, pdf_bytes=pdf_bytes, stamp=stamp, field_box=field_box,
        verification_code=verification_code, reason=reason, location=location,
    )  # fmt: skip
    return document_store(
        credential=credential, signature=signature, stamp=stamp, security=security,
        letter_number=letter_number, letter_date=letter_date,
    )  # fmt: skip


def signed_open(document: SignedDocument) -> bytes:
    """The signed file; a ``NotFound`` once it was destroyed with its letter under
    a berita acara of destruction (``archive``): the row stays, the file is gone."""
    try:
        with default_storage.open(document.storage_name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise errors.document_destroyed() from None


def signed_orphans_sweep(
    *, tenant_id: int, older_than: dt.timedelta = dt.timedelta(hours=6), months: int = 2
) -> list[str]:
    """Delete signed files no ``SignedDocument`` points at (a transaction killed
    after the file was written). Only files older than ``older_than``."""
    known = set(
        SignedDocument.objects.filter(tenant_id=tenant_id).values_list(
            "storage_name", flat=True
        )
    )
    cutoff = timezone.now() - older_than
    removed: list[str] = []
    day = timezone.now().date().replace(day=1)
    for _i in range(months):
        folder = f"{STORAGE_PREFIX}/{tenant_id}/{day:%Y}/{day:%m}"
        try:
            _dirs, files = default_storage.listdir(folder)
        except (OSError, FileNotFoundError):
            files = []
        for file_name in files:
            full = f"{folder}/{file_name}"
            if full in known:
                continue
            if default_storage.get_modified_time(full) <= cutoff:
                _delete_quietly(full)
                removed.append(full)
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return removed
