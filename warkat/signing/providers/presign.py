"""Driving pyHanko's signing session with validation material kept per
certificate, for B-LT signatures in one revision.

pyHanko's ``PdfSigner.sign_pdf`` validates the signer's certificate path and
collects its revocation data (CRLs, OCSP) for every signature, and asks the TSA
for a dummy timestamp to validate its path too; then it writes the document
security store (DSS) in a second revision after the signature (re-reading the
signed file). Both together were about 40 % of a B-LT signature.

Here the result of that validation (``PreSignValidationStatus``) is kept per
process for as long as the material it was computed from is the same: the
signer's certificate, the CA chain, the CRLs, the OCSP answer and the TSA's
certificate are the cache key, so a new CRL (a revocation), a new OCSP answer or
another certificate computes it again. The caller refuses a revoked or expired
certificate from the database before signing (``signing.documents``). The DSS
goes into the signature's own revision (``TOGETHER_WITH_SIGNATURE``, without
the deprecated VRI dictionaries), which PAdES B-LT allows: the validation data
is in the document's DSS, and the signature covers it.

The OCSP answer for the signer's certificate is made once per certificate and
used again until shortly before its ``nextUpdate`` (``ocsp_answer``), so the
cache key stays the same from one signature to the next.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from asn1crypto import ocsp as asn1_ocsp
from pyhanko.pdf_utils import misc
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import (
    DSSContentSettings,
    PdfSigner,
    PreSignValidationStatus,
    SigDSSPlacementPreference,
)

#: Validation results kept per process (one per signer certificate in use).
CACHE_SIZE = 512
#: The DSS in the signature's revision; VRI entries need a later revision.
DSS_WITH_SIGNATURE = DSSContentSettings(
    placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False
)

_cache: OrderedDict[tuple[bytes, ...], PreSignValidationStatus] = OrderedDict()
_lock = threading.Lock()


def _cached(key: tuple[bytes, ...]) -> PreSignValidationStatus | None:
    with _lock:
        status = _cache.get(key)
        if status is not None:
            _cache.move_to_end(key)
        return status


def _keep(key: tuple[bytes, ...], status: PreSignValidationStatus) -> None:
    with _lock:
        _cache[key] = status
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def cache_clear() -> None:
    with _lock:
        _cache.clear()
        _ocsp.clear()


async def _sign(
    pdf_signer: PdfSigner,
    writer: Any,
    *,
    output: Any,
    bytes_reserved: int,
    text_params: dict[str, Any],
    material_key: tuple[bytes, ...] | None,
) -> Any:
    # ``PdfSigner.async_sign_pdf``, with the presign validation taken from the
    # cache when the material is unchanged.
    session = pdf_signer.init_signing_session(writer)
    status = None
    if material_key is not None:
        status = _cached(material_key)
        if status is None:
            status = await session.perform_presign_validation(writer)
            if status is not None:
                _keep(material_key, status)
    tbs = session.prepare_tbs_document(
        validation_info=status,
        bytes_reserved=bytes_reserved,
        appearance_text_params=text_params,
    )
    digest, res_output = tbs.digest_tbs_document(output=output)
    post = await tbs.perform_signature(
        document_digest=digest.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(
            signing_time=session.system_time,
            adobe_revinfo_attr=None if status is None else status.adobe_revinfo_attr,
            cades_signed_attrs=pdf_signer.signature_meta.cades_signed_attr_spec,
        ),
    )
    await post.post_signature_processing(res_output, chunk_size=misc.DEFAULT_CHUNK_SIZE)
    return misc.finalise_output(output, res_output)


#: One event loop per thread, kept: ``asyncio.run`` makes and closes a loop (a
#: selector, a socket pair, the executor's shutdown) for every signature.
_loops = threading.local()


def _loop() -> asyncio.AbstractEventLoop:
    loop = getattr(_loops, "loop", None)
    if loop is None or loop.is_closed():
        loop = _loops.loop = asyncio.new_event_loop()
    return loop


def sign_pdf(
    pdf_signer: PdfSigner,
    writer: Any,
    *,
    output: Any,
    bytes_reserved: int,
    text_params: dict[str, Any],
    material_key: tuple[bytes, ...] | None,
) -> Any:
    """Sign like ``pdf_signer.sign_pdf``; ``material_key`` (B-LT) names the
    validation material the presign validation depends on."""
    return _loop().run_until_complete(
        _sign(
            pdf_signer,
            writer,
            output=output,
            bytes_reserved=bytes_reserved,
            text_params=text_params,
            material_key=material_key,
        )
    )


#: An OCSP answer is used again until this long before its ``nextUpdate``.
OCSP_REFRESH_BEFORE = dt.timedelta(hours=12)
_ocsp: OrderedDict[bytes, tuple[bytes, dt.datetime]] = OrderedDict()


def ocsp_answer(
    cert_der: bytes, make: Callable[[], bytes], *, now: dt.datetime
) -> bytes:
    """The OCSP answer for a certificate the caller has just found active: the one
    made earlier in this process while it is fresh, else ``make()``. A revoked
    certificate never gets here (the caller refuses it), so a kept "good" answer
    is only ever replaced by a newer one."""
    with _lock:
        kept = _ocsp.get(cert_der)
    if kept is not None and kept[1] - now > OCSP_REFRESH_BEFORE:
        return kept[0]
    answer = make()
    basic = asn1_ocsp.OCSPResponse.load(answer).basic_ocsp_response
    next_update = basic["tbs_response_data"]["responses"][0]["next_update"].native
    with _lock:
        _ocsp[cert_der] = (answer, next_update)
        while len(_ocsp) > CACHE_SIZE:
            _ocsp.popitem(last=False)
    return answer
