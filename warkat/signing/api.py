"""HTTP API of the signing app: public verification and certificate management."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from warkat.accounts.permissions import require_role
from warkat.api.base import ERROR_RESPONSES, PUBLIC, ErrorOut, Id, scope
from warkat.signing import errors, selectors, services, verification
from warkat.signing.models import SignerCertificate

router = Router(tags=["signing"])
PUBLIC_ERRORS = {**ERROR_RESPONSES, 429: ErrorOut}
ADMINS = frozenset({"tenant_admin"})


class VerifyOut(Schema):
    valid: bool
    letter_number: str
    signer_name: str
    signer_position: str | None = None
    signer_nip: str | None = None
    signed_at: str | None = None
    letter_date: str | None = None
    sha256: str | None = None
    issuer: str | None = None
    provider: str | None = None
    level: str | None = None


class UploadOut(Schema):
    matches: bool
    sha256: str
    #: valid, altered, unknown_signer, revoked, expired, unconfirmed, not_signed
    result: str
    message: str
    document: VerifyOut | None = None


@router.get(
    "/verify/{code}",
    auth=PUBLIC,
    response={200: VerifyOut, **PUBLIC_ERRORS},
    summary="Verify a signed document by its code (the QR target)",
)
def verify_code(request: HttpRequest, code: str) -> Any:
    verification.rate_limit()
    return verification.verification_by_code(code).public_dict()


@router.post(
    "/verify",
    auth=PUBLIC,
    response={200: UploadOut, **PUBLIC_ERRORS},
    summary="Upload a PDF: is it an unaltered document signed in Warkat?",
)
def verify_upload(request: HttpRequest, file: File[UploadedFile]) -> Any:
    verification.rate_limit()
    if file.size and file.size > settings.WARKAT_UPLOAD_MAX_BYTES:
        raise errors.pdf_invalid()
    verdict = verification.upload_check(pdf=file.read())
    document = (
        verdict.verification.public_dict()
        if verdict.matches and verdict.verification
        else None
    )
    return {
        "matches": verdict.matches,
        "sha256": verdict.sha256,
        "result": verdict.result,
        "message": str(verdict.verdict.message),
        "document": document,
    }


class CertificateOut(Schema):
    id: int
    person_id: int
    subject_name: str
    nip: str
    position_title: str
    status: str
    serial: str
    not_before: dt.datetime | None
    not_after: dt.datetime | None
    revoked_at: dt.datetime | None
    revocation_reason: str
    locked: bool

    @staticmethod
    def resolve_status(obj: SignerCertificate) -> str:
        return obj.effective_status

    @staticmethod
    def resolve_locked(obj: SignerCertificate) -> bool:
        return obj.locked_at is not None


class KeyRequestIn(Schema):
    passphrase: str


class RevokeIn(Schema):
    reason: str


def _certificate(cert_id: int) -> SignerCertificate:
    cert = SignerCertificate.objects.filter(pk=cert_id).first()
    if cert is None:
        raise errors.certificate_not_found()
    return cert


@router.get(
    "/signing/certificates",
    response={200: list[CertificateOut], **ERROR_RESPONSES},
    summary="Key requests and certificates of the tenant CA (tenant admin)",
    auth=scope("signing:read"),
)
def certificate_list(request: HttpRequest) -> Any:
    require_role(user=request.user, roles=ADMINS)
    user: Any = request.user
    return list(selectors.certificate_list(tenant=user.tenant))


@router.post(
    "/signing/key",
    response={201: CertificateOut, **ERROR_RESPONSES},
    summary="Create my signing key, protected by my passphrase",
    auth=scope("signing:write"),
)
def key_request(request: HttpRequest, payload: KeyRequestIn) -> Any:
    user: Any = request.user
    cert = services.certificate_request(
        tenant=user.tenant, user=user, passphrase=payload.passphrase
    )
    return 201, cert


@router.post(
    "/signing/certificates/{cert_id}/issue",
    response={200: CertificateOut, **ERROR_RESPONSES},
    summary="Issue the certificate for a key request",
    auth=scope("signing:write"),
)
def certificate_issue(request: HttpRequest, cert_id: Id) -> Any:
    user: Any = request.user
    return services.certificate_issue(
        tenant=user.tenant, actor=user, certificate=_certificate(cert_id)
    )


@router.post(
    "/signing/certificates/{cert_id}/renew",
    response={200: CertificateOut, **ERROR_RESPONSES},
    summary="Renew a certificate (same key, new validity)",
    auth=scope("signing:write"),
)
def certificate_renew(request: HttpRequest, cert_id: Id) -> Any:
    user: Any = request.user
    return services.certificate_renew(
        tenant=user.tenant, actor=user, certificate=_certificate(cert_id)
    )


@router.post(
    "/signing/certificates/{cert_id}/revoke",
    response={200: CertificateOut, **ERROR_RESPONSES},
    summary="Revoke a certificate",
    auth=scope("signing:write"),
)
def certificate_revoke(request: HttpRequest, cert_id: Id, payload: RevokeIn) -> Any:
    user: Any = request.user
    return services.certificate_revoke(
        tenant=user.tenant,
        actor=user,
        certificate=_certificate(cert_id),
        reason=payload.reason,
    )
