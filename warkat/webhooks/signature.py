"""Standard Webhooks signatures: ``whsec_`` secrets and the ``webhook-*`` headers.

The signature is ``v1,`` + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")) with
the key the base64-decoded part of the secret after ``whsec_``. While a rotated
secret is in its grace period both sign, separated by a space: receivers accept the
message when any signature verifies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def secret_new() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(
    *, secrets_: list[str], msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three headers, signed with each of ``secrets_`` (newest first)."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            sign(secret=s, msg_id=msg_id, timestamp=timestamp, body=body)
            for s in secrets_
        ),
    }
