"""Private keys at rest, and unlocking a signer's key.

CA and TSA keys are wrapped with the installation key (``warkat.core.secrets``);
signer keys are additionally encrypted under the signer's passphrase.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from warkat.core.secrets import unwrap, wrap


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
