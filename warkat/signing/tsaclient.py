"""The client of a timestamp authority reached by URL (``WARKAT_TSA_URL``), with
its connection kept open between signatures.

pyHanko's ``RequestsHTTPTimeStamper`` posts with ``requests.post`` (a new TCP and
TLS connection per timestamp) from a worker thread of a new executor. This one
posts through a ``requests.Session`` per thread (HTTP keep-alive: a batch of
letters pays the handshake once) in the calling thread, and is itself made once
per process for each URL and timeout.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

import requests
from asn1crypto import tsp
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper


class PooledHTTPTimeStamper(RequestsHTTPTimeStamper):
    def __init__(self, url: str, *, timeout: float) -> None:
        super().__init__(url, timeout=timeout)
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    async def async_request_tsa_response(
        self, req: tsp.TimeStampReq
    ) -> tsp.TimeStampResp:
        try:
            answer = self._session().post(
                self.url, req.dump(), headers=self.request_headers(),
                auth=self.auth, timeout=self.timeout,
            )  # fmt: skip
        except OSError as exc:
            # A dropped keep-alive connection is opened again on the next call.
            self._local.session = None
            raise TimestampRequestError(
                "Error in communication with timestamp server"
            ) from exc
        if answer.headers.get("Content-Type") != "application/timestamp-reply":
            raise TimestampRequestError("Timestamp server response is malformed.")
        return tsp.TimeStampResp.load(answer.content)


@functools.lru_cache(maxsize=32)
def timestamper(url: str, timeout: float) -> Any:
    """The installation's TSA client for ``url`` (one per process)."""
    return PooledHTTPTimeStamper(url, timeout=timeout)
