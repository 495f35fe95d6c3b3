"""Hashing of SSO client secrets.

A client secret is 48 random bytes made by Warkat, not a password a person chose:
nothing to brute-force, so a slow password hash would only slow every token request
down (Argon2 costs more than the whole token endpoint's budget). A SHA-256 keyed with
a per-secret salt, compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare


class ClientSecretHasher(BasePasswordHasher):
    algorithm = "warkat_client_secret"

    def encode(self, password: str, salt: str) -> str:  # type: ignore[override]
        digest = hmac.new(salt.encode(), password.encode(), hashlib.sha256).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, salt, digest = encoded.split("$", 2)
        return {"algorithm": algorithm, "salt": salt, "hash": digest}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict[Any, Any]:
        decoded = self.decode(encoded)
        return {"algorithm": decoded["algorithm"], "hash": mask_hash(decoded["hash"])}

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
