"""Certificates of the tenant CA, signing settings per tenant and signed documents.

Private keys are never stored in the clear: CA keys are wrapped with the installation
key (``signing.keystore``); a signer's key is PKCS#8-encrypted with the signer's
passphrase and then wrapped with the installation key as well, so a database dump
alone is not enough to attack the passphrase offline.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import TenantOwned


class Provider(models.TextChoices):
    TENANT_CA = "tenant_ca", _("Tenant certificate authority")
    BSRE = "bsre", _("BSrE (BSSN)")


class CertificateAuthority(TenantOwned):
    """A tenant's root CA, its issuing (intermediate) CA and its timestamp authority."""

    root_cert_der = models.BinaryField()
    root_key = models.BinaryField(editable=False)
    intermediate_cert_der = models.BinaryField()
    intermediate_key = models.BinaryField(editable=False)
    tsa_cert_der = models.BinaryField()
    tsa_key = models.BinaryField(editable=False)
    # The latest CRLs (root's covers the intermediate, the intermediate's covers
    # signers and the TSA); refreshed on every revocation and before they expire.
    root_crl_der = models.BinaryField()
    crl_der = models.BinaryField()
    crl_number = models.PositiveBigIntegerField(default=1)
    crl_next_update = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("certificate authority")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="signing_ca_one_per_tenant")
        ]

    def __str__(self) -> str:
        return f"CA {self.tenant_id}"


class CertificateStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested (key generated, awaiting issue)")
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class RevocationReason(models.TextChoices):
    """RFC 5280 reason codes an administrator may give."""

    UNSPECIFIED = "unspecified", _("Unspecified")
    KEY_COMPROMISE = "key_compromise", _("Key compromised")
    AFFILIATION_CHANGED = "affiliation_changed", _("Position changed")
    SUPERSEDED = "superseded", _("Superseded (renewed)")
    CESSATION_OF_OPERATION = "cessation_of_operation", _("Left the service")


class SignerCertificate(TenantOwned):
    """A signer's key pair and (once issued) certificate from the tenant CA."""

    Status = CertificateStatus
    Reason = RevocationReason

    person = models.ForeignKey(
        "org.Person", on_delete=models.PROTECT, related_name="signer_certificates"
    )
    status = models.CharField(
        max_length=12, choices=CertificateStatus.choices, default="requested"
    )
    # PKCS#8 encrypted with the signer's passphrase, then wrapped (keystore).
    encrypted_key = models.BinaryField(editable=False)
    public_key_der = models.BinaryField(editable=False)
    cert_der = models.BinaryField(null=True, blank=True, editable=False)
    serial = models.CharField(max_length=40, blank=True)
    subject_name = models.CharField(_("name"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    position_title = models.CharField(_("position"), max_length=200, blank=True)
    not_before = models.DateTimeField(null=True, blank=True)
    not_after = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(
        max_length=30, choices=RevocationReason.choices, blank=True
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Wrong passphrases in a row; signing locks at WARKAT_SIGNING_MAX_TRIES.
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    renewed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("signer certificate")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="active"),
                name="signing_cert_one_active",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="requested"),
                name="signing_cert_one_request",
            ),
            models.UniqueConstraint(
                fields=["tenant", "serial"],
                condition=~models.Q(serial=""),
                name="signing_cert_serial_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CertificateStatus.values),
                name="signing_cert_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="requested")
                | models.Q(cert_der__isnull=False, not_after__isnull=False),
                name="signing_cert_issued_has_cert",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked")
                | models.Q(revoked_at__isnull=False),
                name="signing_cert_revoked_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "person"], name="signing_cert_person"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} ({self.serial or self.status})"

    @property
    def effective_status(self) -> str:
        """``expired`` once past ``not_after`` even if nobody updated the row."""
        if (
            self.status == CertificateStatus.ACTIVE
            and self.not_after is not None
            and self.not_after <= timezone.now()
        ):
            return CertificateStatus.EXPIRED
        return self.status

    def get_effective_status_display(self) -> Any:
        return CertificateStatus(self.effective_status).label


class SigningSettings(TenantOwned):
    """Which provider a tenant signs with, and the texts printed on signed letters."""

    provider = models.CharField(
        _("signature provider"),
        max_length=12,
        choices=Provider.choices,
        default=Provider.TENANT_CA,
    )
    footer_text = models.TextField(_("footer text"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("signing settings")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], name="signing_settings_one_per_tenant"
            ),
            models.CheckConstraint(
                condition=models.Q(provider__in=Provider.values),
                name="signing_settings_provider_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.provider}"


class BsreAccount(TenantOwned):
    """How BSrE knows a signer: NIK (16 digits) or the e-mail registered there."""

    person = models.OneToOneField(
        "org.Person", on_delete=models.PROTECT, related_name="bsre_account"
    )
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    email = models.EmailField(_("BSrE e-mail"), blank=True)

    class Meta:
        verbose_name = _("BSrE account")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(nik="", email=""), name="signing_bsre_has_identity"
            ),
        ]

    def __str__(self) -> str:
        return self.nik or self.email


class SignedDocument(TenantOwned):
    """A signed PDF: stored once and never rewritten (see ``save``)."""

    Provider = Provider

    verification_code = models.CharField(max_length=40, unique=True)
    sha256 = models.CharField(max_length=64)
    source_sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=300, unique=True)
    size = models.PositiveBigIntegerField()
    provider = models.CharField(max_length=12, choices=Provider.choices)
    certificate = models.ForeignKey(
        SignerCertificate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    certificate_serial = models.CharField(max_length=64, blank=True)
    signer_person = models.ForeignKey(
        "org.Person", on_delete=models.PROTECT, related_name="+"
    )
    signer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(max_length=200)
    signer_nip = models.CharField(max_length=18, blank=True)
    # As printed: "Plt. Kepala Dinas Komunikasi dan Informatika".
    signer_position = models.CharField(max_length=300)
    signed_at = models.DateTimeField()
    security = models.CharField(max_length=20, default="biasa")
    letter_number = models.CharField(max_length=120, blank=True)
    letter_date = models.DateField(null=True, blank=True)
    pades_level = models.CharField(max_length=12)

    class Meta:
        verbose_name = _("signed document")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(provider__in=Provider.values),
                name="signing_doc_provider_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    security__in=["biasa", "terbatas", "rahasia", "sangat_rahasia"]
                ),
                name="signing_doc_security_valid",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "sha256"], name="signing_doc_hash")]

    def __str__(self) -> str:
        return self.letter_number or self.verification_code

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("A signed document is never rewritten.")
        super().save(*args, **kwargs)

    @property
    def is_secret(self) -> bool:
        return self.security in {"rahasia", "sangat_rahasia"}
