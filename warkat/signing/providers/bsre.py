"""Client of the BSrE eSign Client API v2 (JSON, base64; reference §4.2).

Rules from the observed behaviour of the service:
- a sign request is never retried: a timeout after sending means the outcome is
  unknown, so it is reported and nothing is stored (no retry adapter, no redirect);
- the passphrase goes only into the request body: never into a log line, an
  exception message, the audit log or the database;
- the signer is identified by NIK or, in v2, by e-mail.
"""

from __future__ import annotations

import base64
import io
import logging
from typing import Any

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from warkat.signing import errors
from warkat.signing.providers.base import ProviderResult, SignRequest, stamp_png

log = logging.getLogger(__name__)
SIGN_PATH = "/api/v2/sign/pdf"
VERIFY_PATH = "/api/v2/verify/pdf"
STATUS_PATH = "/api/v2/user/check/status"
VERIFY_TIMEOUT = 120


def _session() -> requests.Session:
    session = requests.Session()
    # Zero retries of any kind: a repeated sign request could sign twice.
    no_retry = HTTPAdapter(max_retries=Retry(total=0, connect=0, read=0, redirect=0))
    session.mount("http://", no_retry)
    session.mount("https://", no_retry)
    session.trust_env = False
    return session


def _config() -> tuple[str, tuple[str, str]]:
    base = settings.WARKAT_BSRE_URL.rstrip("/")
    if not base:
        log.error("BSrE is chosen but WARKAT_BSRE_URL is not set")
        raise errors.bsre_unavailable()
    return base, (settings.WARKAT_BSRE_USER, settings.WARKAT_BSRE_PASSWORD)


def _identity(account: Any) -> dict[str, str]:
    return {"nik": account.nik} if account.nik else {"email": account.email}


def _error_text(response: requests.Response, *, secret: str) -> str:
    try:
        body = response.json()
    except ValueError:
        body = {}
    text = ""
    if isinstance(body, dict):
        text = str(body.get("error") or body.get("message") or "")
    text = text or f"HTTP {response.status_code}"
    # Never echo a secret even if the service put it in its message.
    return text.replace(secret, "***")[:300] if secret else text[:300]


def sign(*, request: SignRequest, account: Any, passphrase: str) -> ProviderResult:
    """Send one PDF to BSrE; returns the signed PDF."""
    base, auth = _config()
    x1, y1, x2, y2 = request.box.box
    body: dict[str, Any] = {
        **_identity(account),
        "passphrase": passphrase,
        "signatureProperties": [
            {
                "tampilan": "VISIBLE",
                "imageBase64": base64.b64encode(
                    stamp_png(request.stamp, request.verification_url)
                ).decode(),
                "page": request.box.page + 1,
                "originX": x1,
                "originY": y1,
                "width": x2 - x1,
                "height": y2 - y1,
                "location": request.location,
                "reason": request.reason or "",
            }
        ],
        "file": [base64.b64encode(request.pdf).decode()],
    }
    try:
        response = _session().post(
            base + SIGN_PATH,
            json=body,
            auth=auth,
            timeout=(5, settings.WARKAT_BSRE_TIMEOUT),
            allow_redirects=False,
        )
    except requests.ConnectTimeout:
        raise errors.bsre_unavailable() from None
    except requests.ConnectionError as exc:
        log.warning("BSrE unreachable: %s", type(exc).__name__)
        raise errors.bsre_unavailable() from None
    except requests.Timeout:
        log.warning("BSrE sign request timed out; outcome unknown, not retried")
        raise errors.bsre_outcome_unknown() from None
    finally:
        del body
    if response.status_code == 401:
        log.error("BSrE refused the application's credentials (HTTP 401)")
        raise errors.bsre_unavailable()
    if response.status_code != 200:
        raise errors.bsre_refused(_error_text(response, secret=passphrase))
    try:
        files = response.json()["file"]
        signed = base64.b64decode(files[0], validate=True)
    except (ValueError, KeyError, IndexError, TypeError):
        log.error("BSrE answered without a signed file")
        raise errors.bsre_refused("invalid response") from None
    serial = _check_signed(request, signed)
    return ProviderResult(
        signed_pdf=signed, pades_level="B-T", certificate_serial=serial
    )


def _check_signed(request: SignRequest, signed: bytes) -> str:
    """The answer must be our document with one more signature; returns the new
    signature's certificate serial."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        before = len(request.reader.embedded_signatures)
        sigs = PdfFileReader(io.BytesIO(signed), strict=False).embedded_signatures
    except Exception:
        sigs, before = [], 0
    if len(sigs) <= before or not signed.startswith(request.pdf[:1024]):
        log.error("BSrE returned a PDF that is not our document signed")
        raise errors.bsre_refused("invalid signed document")
    return format(sigs[-1].signer_cert.serial_number, "x")


def verify(pdf: bytes) -> dict[str, Any]:
    """BSrE's own verification report (slow: use from a task)."""
    base, auth = _config()
    try:
        response = _session().post(
            base + VERIFY_PATH,
            json={"file": base64.b64encode(pdf).decode()},
            auth=auth,
            timeout=(5, VERIFY_TIMEOUT),
            allow_redirects=False,
        )
    except requests.RequestException:
        raise errors.bsre_unavailable() from None
    if response.status_code != 200:
        raise errors.bsre_refused(_error_text(response, secret=""))
    return response.json()


def user_status(account: Any) -> dict[str, Any]:
    base, auth = _config()
    try:
        response = _session().post(
            base + STATUS_PATH,
            json=_identity(account),
            auth=auth,
            timeout=(5, 30),
            allow_redirects=False,
        )
    except requests.RequestException:
        raise errors.bsre_unavailable() from None
    return response.json()
