"""Encryption at rest for private keys, and unlocking a signer's key.

The installation key comes from ``WARKAT_CA_KEY`` (any long random string; keep it
stable and backed up separately from the database) or, when unset, from
``SECRET_KEY``. Rotating it without re-wrapping makes every stored CA and signer
key unusable, which is why production should set ``WARKAT_CA_KEY`` explicitly
instead of tying the keys to ``SECRET_KEY``.

Keys are wrapped with AES-256-GCM; the label (e.g. ``ca-root:12``) is bound as
associated data so a wrapped key cannot be swapped into another row.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = b"\x01"


def _installation_key() -> bytes:
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


def unwrap(blob: bytes, *, label: str) -> bytes:
    blob = bytes(blob)
    if blob[:1] != _VERSION:
        raise ValueError("unknown key wrapping version")
    return AESGCM(_installation_key()).decrypt(blob[1:13], blob[13:], label.encode())


def rsa_generate() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def key_wrap_plain(key: rsa.RSAPrivateKey, *, label: str) -> bytes:
    """A CA/TSA key: PKCS#8 without passphrase, wrapped with the installation key."""
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return wrap(der, label=label)


def key_unwrap_plain(blob: bytes, *, label: str) -> rsa.RSAPrivateKey:
    key = serialization.load_der_private_key(
        unwrap(blob, label=label),
        password=None,
        # Our own key, authenticated by AES-GCM: OpenSSL's RSA consistency check
        # (about 40 ms per load) adds nothing here.
        unsafe_skip_rsa_key_validation=True,
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def key_wrap_passphrase(
    key: rsa.RSAPrivateKey, *, passphrase: str, label: str
) -> bytes:
    """A signer key: PKCS#8 encrypted with the passphrase, then wrapped."""
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    return wrap(der, label=label)


class WrongPassphrase(Exception):
    """The passphrase does not open the key (the message carries no secret)."""


def key_unlock(
    blob: bytes, *, passphrase: str, label: str, public_key_der: bytes
) -> rsa.RSAPrivateKey:
    """Open a signer key. Raises ``WrongPassphrase``; never echoes the passphrase."""
    encrypted = unwrap(blob, label=label)
    try:
        key = serialization.load_der_private_key(
            encrypted,
            password=passphrase.encode(),
            # Integrity comes from the GCM wrap and the public-key comparison below.
            unsafe_skip_rsa_key_validation=True,
        )
    except (ValueError, TypeError):
        raise WrongPassphrase() from None
    if not isinstance(key, rsa.RSAPrivateKey) or public_der(key) != bytes(
        public_key_der
    ):
        raise WrongPassphrase()
    return key


def public_der(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
