"""Helpers for drafting tests: draft fields, signer set-up (CA, certificate, TOTP)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP

from warkat.demo.accounts import DEMO_TOTP_SECRET, demo_totp_code
from warkat.drafting.catalogue import catalogue_ensure
from warkat.drafting.fields import DraftFields, RecipientInput
from warkat.drafting.models import Draft, NaskahType
from warkat.drafting.services.drafts import draft_create
from warkat.drafting.services.review import draft_submit, review_approve
from warkat.letters.tests.factories import leaf_code

PASSPHRASE = "rahasia-sekali-123"


def naskah(tenant: Any, code: str = "surat-dinas") -> NaskahType:
    catalogue_ensure(tenant=tenant)
    return NaskahType.objects.get(code=code)


def fields(o: SimpleNamespace, **kw: Any) -> DraftFields:
    data: dict[str, Any] = {
        "subject": "Permohonan data statistik sektoral",
        "body": "<p>Dengan hormat,</p><p>Bersama ini kami mohon data statistik.</p>",
        "naskah_type": naskah(o.tenant),
        "signer_position": o.pos.kadis,
        "classification": leaf_code(),
        "place": "Arso",
        "recipients": [
            RecipientInput(role="to", kind="position", target_id=o.pos.kadinkes.pk),
            RecipientInput(role="copy", kind="position", target_id=o.pos.sekda.pk),
        ],
    }
    data.update(kw)
    return DraftFields(**data)


def draft(o: SimpleNamespace, actor: Any = None, **kw: Any) -> Draft:
    return draft_create(actor=actor or o.users.staf_a, fields=fields(o, **kw))


def approved(o: SimpleNamespace, **kw: Any) -> Draft:
    """A draft by staf_a, paraf by kabid_a, waiting for the kadis to sign."""
    d = draft(o, **kw)
    draft_submit(actor=o.users.staf_a, draft=d)
    review_approve(actor=o.users.kabid_a, draft=d)
    d.refresh_from_db()
    assert d.state == "approved"
    return d


def signer_ready(o: SimpleNamespace, key: str = "kadis") -> Any:
    """Give the tenant a CA (once) and ``key``'s user a certificate and TOTP."""
    from warkat.signing.models import CertificateAuthority
    from warkat.signing.services import (
        ca_create,
        certificate_issue,
        certificate_request,
    )

    if not CertificateAuthority.objects.filter(tenant=o.tenant).exists():
        ca_create(tenant=o.tenant, actor=None)
    user = getattr(o.users, key)
    cert = certificate_request(tenant=o.tenant, user=user, passphrase=PASSPHRASE)
    certificate_issue(tenant=o.tenant, actor=None, certificate=cert)
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def otp(traveller: Any = None) -> str:
    """A fresh authenticator code. Codes are single-use: pass the frozen-time
    traveller to move to the next 30-second window first."""
    if traveller is not None:
        traveller.shift(31)
    return demo_totp_code()


@contextmanager
def tsa_down_at(call: int) -> Iterator[None]:
    """``sending.signature_make`` fails as with the TSA down on its ``call``-th
    call (1-based), and works on the others."""
    from warkat.drafting import sending
    from warkat.signing import errors as signing_errors

    real = sending.signature_make
    calls = {"n": 0}

    def make(**kw: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == call:
            raise signing_errors.tsa_unavailable()
        return real(**kw)

    sending.signature_make = make  # type: ignore[assignment]
    try:
        yield
    finally:
        sending.signature_make = real  # type: ignore[assignment]
