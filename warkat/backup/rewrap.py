"""Secrets a tenant import must re-wrap: sealed with the source installation's key
and a label naming the old ids, they must be sealed with this installation's key
and labels naming the new ids, or no key would open after the move.

The source key is the source installation's ``WARKAT_CA_KEY`` (or its
``SECRET_KEY`` when that was unset); ``None`` means the same key as here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidTag

from warkat.accounts.adapter import MFA_SECRET_LABEL
from warkat.backup.archive import ArchiveError
from warkat.core.secrets import TEXT_PREFIX, open_text, seal_text, unwrap, wrap
from warkat.signing.models import CertificateAuthority, SignerCertificate
from warkat.signing.services import ca_labels, key_label

Row = dict[str, Any]


def _blob(
    old: Row, new: Row, field: str, old_label: str, new_label: str, key: str | None
) -> None:
    value = new.get(field)
    if value:
        new[field] = wrap(
            unwrap(bytes(value), label=old_label, secret=key), label=new_label
        )


def _ca(old: Row, new: Row, key: str | None) -> None:
    before = ca_labels(CertificateAuthority(tenant_id=old["tenant_id"]))
    after = ca_labels(CertificateAuthority(tenant_id=new["tenant_id"]))
    for kind in ("root", "intermediate", "tsa"):
        _blob(old, new, f"{kind}_key", before[kind], after[kind], key)


def _signer(old: Row, new: Row, key: str | None) -> None:
    before = key_label(
        SignerCertificate(tenant_id=old["tenant_id"], person_id=old["person_id"])
    )
    after = key_label(
        SignerCertificate(tenant_id=new["tenant_id"], person_id=new["person_id"])
    )
    _blob(old, new, "encrypted_key", before, after, key)


def _mfa(old: Row, new: Row, key: str | None) -> None:
    data = dict(new.get("data") or {})
    for name in ("secret", "seed"):
        value = data.get(name)
        if isinstance(value, str) and value.startswith(TEXT_PREFIX):
            plain = open_text(value, label=MFA_SECRET_LABEL, secret=key)
            data[name] = seal_text(plain, label=MFA_SECRET_LABEL)
    new["data"] = data


REWRAP: dict[str, Callable[[Row, Row, str | None], None]] = {
    "signing.CertificateAuthority": _ca,
    "signing.SignerCertificate": _signer,
    "mfa.Authenticator": _mfa,
}


def rewrap(model_label: str, old: Row, new: Row, key: str | None) -> None:
    hook = REWRAP.get(model_label)
    if hook is None:
        return
    try:
        hook(old, new, key)
    except (InvalidTag, ValueError):
        raise ArchiveError(
            "The source key does not open the tenant's private keys and "
            "two-factor secrets: give the source installation's WARKAT_CA_KEY "
            "(or SECRET_KEY when it had none). Nothing was imported."
        ) from None
