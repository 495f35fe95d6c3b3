"""Errors of the signing domain. None of them ever carries a passphrase."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationError,
)


class ServiceUnavailable(DomainError):
    """A timestamp authority or the BSrE service did not answer: nothing was signed
    and nothing was stored."""

    status_code = 503


class RateLimited(DomainError):
    status_code = 429


def ca_missing() -> Conflict:
    return Conflict(
        "signing.ca_missing",
        _("This tenant has no certificate authority yet. Ask the tenant admin."),
    )


def ca_exists() -> Conflict:
    return Conflict(
        "signing.ca_exists", _("This tenant already has a certificate authority.")
    )


def certificate_not_found() -> NotFound:
    return NotFound("signing.certificate_not_found", _("Certificate not found."))


def no_certificate() -> PermissionDenied:
    return PermissionDenied(
        "signing.no_certificate",
        _("You have no active signing certificate. Ask the tenant admin."),
    )


def certificate_expired() -> PermissionDenied:
    return PermissionDenied(
        "signing.certificate_expired",
        _("Your signing certificate has expired and cannot be used."),
    )


def certificate_revoked() -> PermissionDenied:
    return PermissionDenied(
        "signing.certificate_revoked",
        _("Your signing certificate has been revoked and cannot be used."),
    )


def certificate_locked() -> PermissionDenied:
    return PermissionDenied(
        "signing.locked",
        _(
            "Signing is locked after too many wrong passphrases. "
            "Ask the tenant admin to unlock your certificate."
        ),
    )


def passphrase_wrong(remaining: int) -> ValidationError:
    return ValidationError(
        "signing.passphrase_wrong",
        _(
            "The passphrase is wrong. %(remaining)s tries left before signing "
            "is locked."
        ),
        field="passphrase",
        params={"remaining": remaining},
    )


def passphrase_required() -> ValidationError:
    return ValidationError(
        "signing.passphrase_required",
        _("Enter your signing passphrase."),
        field="passphrase",
    )


def passphrase_weak(min_length: int) -> ValidationError:
    return ValidationError(
        "signing.passphrase_weak",
        _("The passphrase must have at least %(n)s characters."),
        field="passphrase",
        params={"n": min_length},
    )


def totp_missing() -> PermissionDenied:
    return PermissionDenied(
        "signing.totp_missing",
        _(
            "Signing needs an authenticator app. Set up two-factor "
            "authentication in your account first."
        ),
    )


def otp_wrong() -> ValidationError:
    return ValidationError(
        "signing.otp_wrong",
        _("The authenticator code is wrong or already used."),
        field="otp",
    )


def state_wrong(status: str) -> Conflict:
    return Conflict(
        "signing.certificate_state",
        _("This is not possible for a certificate in state %(status)s."),
        params={"status": status},
    )


def request_pending() -> Conflict:
    return Conflict(
        "signing.request_pending",
        _("A key request for this person is already waiting to be issued."),
    )


def tsa_unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "signing.tsa_unavailable",
        _(
            "The timestamp authority did not answer. Nothing was signed; "
            "please try again later."
        ),
    )


def bsre_unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "signing.bsre_unavailable",
        _(
            "The BSrE signing service did not answer. Nothing was signed; "
            "please try again later."
        ),
    )


def bsre_outcome_unknown() -> ServiceUnavailable:
    return ServiceUnavailable(
        "signing.bsre_unknown",
        _(
            "The BSrE signing service did not answer in time. Nothing was stored; "
            "the request is not repeated automatically."
        ),
    )


def bsre_refused(reason: str) -> ValidationError:
    return ValidationError(
        "signing.bsre_refused",
        _("BSrE refused to sign: %(reason)s"),
        params={"reason": reason},
    )


def bsre_account_missing() -> PermissionDenied:
    return PermissionDenied(
        "signing.bsre_account_missing",
        _("No BSrE identity (NIK or e-mail) is recorded for this signer."),
    )


def pdf_invalid() -> ValidationError:
    return ValidationError(
        "signing.pdf_invalid", _("The document is not a readable PDF."), field="file"
    )


def verification_not_found() -> NotFound:
    return NotFound(
        "verify.not_found", _("No document signed in Warkat has this code.")
    )


def document_destroyed() -> NotFound:
    return NotFound(
        "signing.document_destroyed",
        _(
            "This signed document was destroyed under a signed berita acara of "
            "destruction (pemusnahan arsip)."
        ),
    )


def rate_limited() -> RateLimited:
    return RateLimited(
        "verify.rate_limited",
        _("Too many verification requests. Please wait a minute and try again."),
    )


def not_staff() -> PermissionDenied:
    return PermissionDenied(
        "signing.no_person", _("Only staff members can request a signing key.")
    )


def reason_invalid() -> ValidationError:
    return ValidationError(
        "signing.reason_invalid", _("Choose a revocation reason."), field="reason"
    )


def provider_invalid() -> ValidationError:
    return ValidationError(
        "signing.provider_invalid",
        _("Choose a signature provider."),
        field="provider",
    )


def nik_invalid() -> ValidationError:
    return ValidationError(
        "signing.nik_invalid", _("A NIK has 16 digits."), field="nik"
    )


def bsre_identity_required() -> ValidationError:
    return ValidationError(
        "signing.bsre_identity_required",
        _("Enter the signer's NIK or BSrE e-mail."),
        field="nik",
    )


def not_signer() -> PermissionDenied:
    return PermissionDenied(
        "signing.not_signer", _("Only the signer can sign with this key.")
    )


def person_not_found() -> NotFound:
    return NotFound("signing.person_not_found", _("No staff member has this NIP."))
