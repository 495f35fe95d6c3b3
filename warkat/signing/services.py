"""Tenant CA and certificate lifecycle: create the CA, request a key, issue, renew,
revoke, unlock; CRL refresh; the tenant's signing settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from warkat.accounts.permissions import require_role
from warkat.audit.services import audit_record
from warkat.core.memo import per_action
from warkat.org.models import Person
from warkat.org.selectors import positions_held
from warkat.signing import errors, keystore, pki
from warkat.signing.models import (
    BsreAccount,
    CertificateAuthority,
    Provider,
    SignerCertificate,
    SigningSettings,
)
from warkat.tenancy.models import Tenant

ADMIN_ROLES = frozenset({"tenant_admin"})
Status = SignerCertificate.Status


def _require_admin(actor: Any) -> None:
    if actor is not None:
        require_role(user=actor, roles=ADMIN_ROLES)


def pki_urls(tenant: Tenant) -> pki.PkiUrls:
    """Published addresses (AIA/CRLDP) of the tenant's PKI, on PUBLIC_BASE_URL."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")

    def url(name: str) -> str:
        return base + reverse(name, kwargs={"slug": tenant.slug})

    return pki.PkiUrls(
        crl=url("signing:pki-crl"),
        root_crl=url("signing:pki-root-crl"),
        ocsp=url("signing:pki-ocsp"),
        ca_issuer=url("signing:pki-ca"),
        root_issuer=url("signing:pki-root"),
    )


def _label(kind: str, tenant_id: int) -> str:
    return f"{kind}:{tenant_id}"


def ca_labels(ca: CertificateAuthority) -> dict[str, str]:
    return {
        "root": _label("ca-root", ca.tenant_id),
        "intermediate": _label("ca-intermediate", ca.tenant_id),
        "tsa": _label("ca-tsa", ca.tenant_id),
    }


def _der(cert: Any) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


@transaction.atomic
def ca_create(*, tenant: Tenant, actor: Any) -> CertificateAuthority:
    """Create the tenant's root CA, issuing CA and TSA (once per tenant)."""
    _require_admin(actor)
    if CertificateAuthority.objects.filter(tenant=tenant).exists():
        raise errors.ca_exists()
    built = pki.ca_build(organisation=tenant.name, urls=pki_urls(tenant))
    ca = CertificateAuthority(
        tenant=tenant,
        root_cert_der=_der(built.root_cert),
        intermediate_cert_der=_der(built.intermediate_cert),
        tsa_cert_der=_der(built.tsa_cert),
        crl_number=0,
        crl_next_update=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    labels = ca_labels(ca)
    ca.root_key = keystore.key_wrap_plain(built.root_key, label=labels["root"])
    ca.intermediate_key = keystore.key_wrap_plain(
        built.intermediate_key, label=labels["intermediate"]
    )
    ca.tsa_key = keystore.key_wrap_plain(built.tsa_key, label=labels["tsa"])
    _crls_fill(ca)
    ca.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="signing.ca_created",
        obj=ca,
        data={"root_serial": format(built.root_cert.serial_number, "x")},
    )
    return ca


def ca_for(tenant: Tenant) -> CertificateAuthority:
    ca = CertificateAuthority.objects.filter(tenant=tenant).first()
    if ca is None:
        raise errors.ca_missing()
    return ca


def ca_key(ca: CertificateAuthority, which: str) -> Any:
    blob = {
        "root": ca.root_key,
        "intermediate": ca.intermediate_key,
        "tsa": ca.tsa_key,
    }[which]
    return pki.cached_ca_key(bytes(blob), ca_labels(ca)[which])


def _crls_fill(ca: CertificateAuthority) -> None:
    """Rebuild both CRLs on ``ca`` (not saved)."""
    ca.crl_number += 1
    root = pki.cached_cert(bytes(ca.root_cert_der))
    intermediate = pki.cached_cert(bytes(ca.intermediate_cert_der))
    revoked = (
        SignerCertificate.objects.filter(tenant_id=ca.tenant_id, status=Status.REVOKED)
        .exclude(serial="")
        .values_list("serial", "revoked_at", "revocation_reason")
    )
    ca.crl_der = pki.crl_build(
        issuer_cert=intermediate,
        issuer_key=ca_key(ca, "intermediate"),
        revoked=[pki.Revoked(int(s, 16), at, r) for s, at, r in revoked],
        number=ca.crl_number,
        days=pki.CRL_DAYS,
    )
    ca.root_crl_der = pki.crl_build(
        issuer_cert=root,
        issuer_key=ca_key(ca, "root"),
        revoked=[],
        number=ca.crl_number,
        days=pki.ROOT_CRL_DAYS,
    )
    ca.crl_next_update = timezone.now() + dt.timedelta(days=pki.CRL_DAYS)


@transaction.atomic
def ca_crl_refresh(
    *, ca: CertificateAuthority, force: bool = False
) -> CertificateAuthority:
    """Re-issue the CRLs when forced (a revocation) or within a day of expiry."""
    if not force and ca.crl_next_update - timezone.now() > dt.timedelta(days=1):
        return ca
    locked = CertificateAuthority.objects.select_for_update().get(pk=ca.pk)
    if not force and locked.crl_next_update - timezone.now() > dt.timedelta(days=1):
        return locked
    _crls_fill(locked)
    locked.save(
        update_fields=["crl_der", "root_crl_der", "crl_number", "crl_next_update"]
    )
    return locked


def ocsp_lookup(ca: CertificateAuthority) -> Any:
    """The OCSP responder's view of ``ca``'s certificates (signers and the TSA)."""

    def lookup(serial: int) -> pki.OcspStatus:
        tsa = pki.cached_cert(bytes(ca.tsa_cert_der))
        if serial == tsa.serial_number:
            return pki.OcspStatus(cert=tsa)
        row = (
            SignerCertificate.objects.filter(
                tenant_id=ca.tenant_id, serial=format(serial, "x")
            )
            .exclude(cert_der=None)
            .first()
        )
        if row is None:
            return pki.OcspStatus(cert=None)
        cert = pki.cached_cert(bytes(row.cert_der))
        if row.status == Status.REVOKED:
            return pki.OcspStatus(
                cert=cert, revoked_at=row.revoked_at, reason=row.revocation_reason
            )
        return pki.OcspStatus(cert=cert)

    return lookup


# --- signer certificates ----------------------------------------------------------


def _passphrase_check(passphrase: str) -> None:
    minimum = settings.WARKAT_SIGNING_PASSPHRASE_MIN
    if not passphrase:
        raise errors.passphrase_required()
    if len(passphrase) < minimum:
        raise errors.passphrase_weak(minimum)


def _key_label(tenant_id: int, person_id: int) -> str:
    return f"signer:{tenant_id}:{person_id}"


def key_label(cert: SignerCertificate) -> str:
    return _key_label(cert.tenant_id, cert.person_id)


@transaction.atomic
def certificate_request(
    *, tenant: Tenant, user: Any, passphrase: str
) -> SignerCertificate:
    """The signer generates their key pair, protected by a passphrase only they know.
    The tenant admin then issues the certificate."""
    if user.person_id is None or user.tenant_id != tenant.pk:
        raise errors.not_staff()
    _passphrase_check(passphrase)
    person = Person.objects.select_for_update().get(pk=user.person_id)
    if SignerCertificate.objects.filter(
        person=person, status=Status.REQUESTED
    ).exists():
        raise errors.request_pending()
    key = keystore.rsa_generate()
    cert = SignerCertificate.objects.create(
        tenant=tenant,
        person=person,
        status=Status.REQUESTED,
        encrypted_key=keystore.key_wrap_passphrase(
            key, passphrase=passphrase, label=_key_label(tenant.pk, person.pk)
        ),
        public_key_der=keystore.public_der(key),
        subject_name=person.display_name,
        nip=person.nip or "",
        requested_by=user,
    )
    audit_record(tenant=tenant, actor=user, action="signing.key_requested", obj=cert)
    return cert


def _position_title(person: Person) -> str:
    """The title the certificate names: the position the person signs letters as
    on the day it is issued. A unit head's position (Plt./Plh. included) comes before
    the person's own non-head one: the Sekretaris who is Plh. Kepala Dinas signs
    as "Plh. Kepala Dinas", and a certificate naming "Sekretaris" would contradict
    the signature block of every letter it signs. Otherwise definitif first."""
    held = list(positions_held(person=person))
    if not held:
        return ""
    chosen = min(enumerate(held), key=lambda p: (not p[1].position.is_head, p[0]))[1]
    return f"{chosen.capacity_prefix} {chosen.position.name}".strip()


def _issue(
    *, tenant: Tenant, actor: Any, cert: SignerCertificate, person: Person
) -> None:
    ca = ca_for(tenant)
    subject = pki.SignerSubject(
        name=person.display_name,
        nip=person.nip or "",
        position=_position_title(person),
        organisation=tenant.name,
    )
    issued = pki.signer_cert_build(
        subject=subject,
        public_key_der=bytes(cert.public_key_der),
        issuer_cert=pki.cached_cert(bytes(ca.intermediate_cert_der)),
        issuer_key=ca_key(ca, "intermediate"),
        days=settings.WARKAT_SIGNING_CERT_DAYS,
        urls=pki_urls(tenant),
    )
    cert.cert_der = _der(issued)
    cert.serial = format(issued.serial_number, "x")
    cert.subject_name = subject.name
    cert.nip = subject.nip
    cert.position_title = subject.position
    cert.not_before = issued.not_valid_before_utc
    cert.not_after = issued.not_valid_after_utc
    cert.issued_at = timezone.now()
    cert.issued_by = actor if getattr(actor, "pk", None) else None
    cert.status = Status.ACTIVE


def _revoke(cert: SignerCertificate, *, actor: Any, reason: str) -> None:
    cert.status = Status.REVOKED
    cert.revoked_at = timezone.now()
    cert.revocation_reason = reason
    cert.revoked_by = actor if getattr(actor, "pk", None) else None
    cert.save(update_fields=["status", "revoked_at", "revocation_reason", "revoked_by"])


def _issue_superseding(
    *,
    tenant: Tenant,
    actor: Any,
    cert: SignerCertificate,
    person: Person,
    previous: SignerCertificate | None,
) -> None:
    """Issue and save ``cert``; the person's ``previous`` certificate (locked by
    the caller) is revoked as superseded and the CRLs re-published."""
    if previous is not None:
        _revoke(previous, actor=actor, reason="superseded")
        cert.renewed_from = previous
    _issue(tenant=tenant, actor=actor, cert=cert, person=person)
    cert.save()
    if previous is not None:
        ca_crl_refresh(ca=ca_for(tenant), force=True)


def _locked_cert(certificate: SignerCertificate) -> SignerCertificate:
    return SignerCertificate.objects.select_for_update().get(pk=certificate.pk)


@transaction.atomic
def certificate_issue(
    *, tenant: Tenant, actor: Any, certificate: SignerCertificate
) -> SignerCertificate:
    """Issue the certificate for a requested key; a previous active certificate of
    the same person is revoked as superseded."""
    _require_admin(actor)
    cert = _locked_cert(certificate)
    if cert.status != Status.REQUESTED:
        raise errors.state_wrong(cert.get_status_display())
    person = Person.objects.get(pk=cert.person_id)
    previous = (
        SignerCertificate.objects.select_for_update()
        .filter(person=person, status=Status.ACTIVE)
        .first()
    )
    _issue_superseding(
        tenant=tenant, actor=actor, cert=cert, person=person, previous=previous
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="signing.certificate_issued",
        obj=cert,
        data={"serial": cert.serial, "not_after": cert.not_after},
    )
    return cert


@transaction.atomic
def certificate_renew(
    *, tenant: Tenant, actor: Any, certificate: SignerCertificate
) -> SignerCertificate:
    """A new certificate for the same key (the signer keeps their passphrase)."""
    _require_admin(actor)
    old = _locked_cert(certificate)
    if old.status not in {Status.ACTIVE, Status.EXPIRED}:
        raise errors.state_wrong(old.get_status_display())
    person = Person.objects.get(pk=old.person_id)
    new = SignerCertificate(
        tenant=tenant,
        person=person,
        encrypted_key=bytes(old.encrypted_key),
        public_key_der=bytes(old.public_key_der),
        subject_name=old.subject_name,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    _issue_superseding(
        tenant=tenant, actor=actor, cert=new, person=person, previous=old
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="signing.certificate_renewed",
        obj=new,
        data={"serial": new.serial, "previous_serial": old.serial},
    )
    return new


@transaction.atomic
def certificate_revoke(
    *, tenant: Tenant, actor: Any, certificate: SignerCertificate, reason: str
) -> SignerCertificate:
    _require_admin(actor)
    cert = _locked_cert(certificate)
    if reason not in SignerCertificate.Reason.values:
        raise errors.reason_invalid()
    if cert.status == Status.REVOKED:
        raise errors.state_wrong(cert.get_status_display())
    # A key that was never certified is withdrawn: nothing to publish in the CRL.
    published = cert.status != Status.REQUESTED
    _revoke(cert, actor=actor, reason=reason)
    if published:
        ca_crl_refresh(ca=ca_for(tenant), force=True)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="signing.certificate_revoked",
        obj=cert,
        data={"serial": cert.serial, "reason": reason},
    )
    return cert


@transaction.atomic
def certificate_unlock(
    *, tenant: Tenant, actor: Any, certificate: SignerCertificate
) -> SignerCertificate:
    """Let the signer try again after five wrong passphrases."""
    _require_admin(actor)
    cert = _locked_cert(certificate)
    cert.failed_attempts = 0
    cert.locked_at = None
    cert.save(update_fields=["failed_attempts", "locked_at"])
    audit_record(
        tenant=tenant, actor=actor, action="signing.certificate_unlocked", obj=cert
    )
    return cert


# --- settings ---------------------------------------------------------------------


@per_action  # once per batch of letters (``core.memo``)
def settings_for(tenant: Tenant) -> SigningSettings:
    found = SigningSettings.objects.filter(tenant=tenant).first()
    return found or SigningSettings(tenant=tenant)


@transaction.atomic
def signing_settings_update(
    *, tenant: Tenant, actor: Any, provider: str, footer_text: str = ""
) -> SigningSettings:
    _require_admin(actor)
    if provider not in Provider.values:
        raise errors.provider_invalid()
    row, _created = SigningSettings.objects.select_for_update().get_or_create(
        tenant=tenant
    )
    row.provider = provider
    row.footer_text = footer_text.strip()
    row.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="signing.settings_updated",
        obj=row,
        data={"provider": provider},
    )
    return row


@transaction.atomic
def bsre_account_set(
    *, tenant: Tenant, actor: Any, person: Person, nik: str = "", email: str = ""
) -> BsreAccount:
    _require_admin(actor)
    nik = nik.strip()
    email = email.strip()
    if nik and (len(nik) != 16 or not nik.isdigit()):
        raise errors.nik_invalid()
    if not nik and not email:
        raise errors.bsre_identity_required()
    row, _created = BsreAccount.objects.update_or_create(
        tenant=tenant, person=person, defaults={"nik": nik, "email": email}
    )
    audit_record(tenant=tenant, actor=actor, action="signing.bsre_account_set", obj=row)
    return row
