"""The RSA keys that sign ID tokens: read from settings/secret storage, made for
development. Imported by the settings module, so it imports nothing from Django.

Rotation: publish the new key as the active one and keep the previous one in
``WARKAT_OIDC_OLD_KEY_FILES``; the JWKS lists both, so relying parties verify tokens
signed before the switch. Drop the old key once its tokens have expired.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def new_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def write_key(path: Path) -> str:
    """A new key written to ``path`` readable by its owner only."""
    pem = new_key_pem()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(pem)
    return pem


def signing_keys(
    *, pem: str, path: str, old_paths: list[str], dev_path: Path | None
) -> tuple[str, list[str]]:
    """(active key, retired keys still published). Empty active key when none is
    configured and no development key may be made (production: a system check
    reports it)."""
    old = [Path(p).read_text() for p in old_paths]
    if pem:
        return pem, old
    if path:
        return Path(path).read_text(), old
    if dev_path is None:
        return "", old
    if dev_path.exists():
        return dev_path.read_text(), old
    try:
        return write_key(dev_path), old
    except FileExistsError:  # another process made it first
        return dev_path.read_text(), old
