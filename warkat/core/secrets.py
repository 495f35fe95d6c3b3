"""Encryption at rest with the installation key.

The installation key comes from ``WARKAT_CA_KEY`` (any long random string; keep it
stable and backed up separately from the database) or, when unset, from
``SECRET_KEY``. Rotating it without re-wrapping makes everything wrapped with it
unusable — CA and signer keys, and the signers' TOTP secrets — which is why
production sets ``WARKAT_CA_KEY`` explicitly instead of tying them to ``SECRET_KEY``.

Data is sealed with AES-256-GCM; the label (e.g. ``ca-root:12``) is bound as
associated data so a sealed value cannot be swapped into another place.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = b"\x01"
#: Prefix of sealed text (``seal_text``): tells sealed values from older plain ones.
TEXT_PREFIX = "wk1:"


def _installation_key(secret: str | None = None) -> bytes:
    """The AES key; ``secret`` names another installation's key (a tenant import
    re-wraps what its source installation sealed)."""
    if secret is None:
        secret = getattr(settings, "WARKAT_CA_KEY", "") or settings.SECRET_KEY
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"warkat-keystore-v1"
    ).derive(secret.encode())


def wrap(data: bytes, *, label: str) -> bytes:
    nonce = os.urandom(12)
    return (
        _VERSION
        + nonce
        + AESGCM(_installation_key()).encrypt(nonce, data, label.encode())
    )


def unwrap(blob: bytes, *, label: str, secret: str | None = None) -> bytes:
    blob = bytes(blob)
    if blob[:1] != _VERSION:
        raise ValueError("unknown key wrapping version")
    return AESGCM(_installation_key(secret)).decrypt(
        blob[1:13], blob[13:], label.encode()
    )


def seal_text(text: str, *, label: str) -> str:
    """``text`` sealed as printable text (for JSON fields)."""
    sealed = base64.urlsafe_b64encode(wrap(text.encode(), label=label)).decode()
    return TEXT_PREFIX + sealed


def open_text(value: str, *, label: str, secret: str | None = None) -> str:
    """``seal_text``'s counterpart; a value stored before sealing passes unchanged."""
    if not value.startswith(TEXT_PREFIX):
        return value
    blob = base64.urlsafe_b64decode(value[len(TEXT_PREFIX) :].encode())
    return unwrap(blob, label=label, secret=secret).decode()
