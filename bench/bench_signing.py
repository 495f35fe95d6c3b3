"""Signing benchmark: Warkat's sign path against plain pyHanko with its defaults.

    python -m bench.bench_signing [--runs 15]

Both paths sign the same two-page letter (rendered once with WeasyPrint) with the
same RSA-2048 key and certificate chain, a visible QR stamp and a local RFC 3161
timestamp (PAdES B-T), in one process, after one warm-up signature each.

* plain pyHanko: ``SimpleSigner`` (loaded once, outside the timing), pyHanko's
  ``DummyTimeStamper`` (local TSA, created once), ``PdfSigner.sign_pdf`` with its
  defaults (no ``bytes_reserved``, so a dry-run signature sizes the placeholder).
* Warkat: what ``documents.document_sign`` does per request — unlock the signer's
  passphrase-encrypted key, sign through ``providers.tenant_ca.sign`` (key object
  used directly, ``bytes_reserved``, TSA key kept per process). Also shown: the
  B-LT variant that embeds the tenant CA's CRLs and an OCSP answer.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")
    import django

    django.setup()


def _time(fn: Callable[[], Any], runs: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _i in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def measure(runs: int = 15) -> list[tuple[str, float, float]]:
    """[(path, median ms, min ms)] for the plain and Warkat paths."""
    _setup_django()
    from asn1crypto import keys as asn1_keys
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko.stamp import QRStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from warkat.signing import keystore, pki
    from warkat.signing.providers import tenant_ca
    from warkat.signing.providers.base import SignRequest, StampInfo
    from warkat.signing.render import render_for_signing
    from warkat.signing.tests.factories import LETTER_HTML

    body = "".join(
        f"<p>Paragraf {n}: dengan hormat, {'isi surat ' * 40}</p>" for n in range(9)
    )
    rendered = render_for_signing(html=LETTER_HTML % body)
    urls = pki.PkiUrls(*(f"https://warkat.example/pki/x/{n}" for n in range(5)))
    ca = pki.ca_build(organisation="Kabupaten Keerom", urls=urls)
    key = keystore.rsa_generate()
    cert = pki.signer_cert_build(
        subject=pki.SignerSubject(
            "dr. Maria Yikwa, M.Kes", "198005172005031001", "Kepala Dinas", "Keerom"
        ),
        public_key_der=keystore.public_der(key),
        issuer_cert=ca.intermediate_cert,
        issuer_key=ca.intermediate_key,
        days=730,
        urls=urls,
    )
    passphrase = "kunci-rahasia-123"
    stored_key = keystore.key_wrap_passphrase(key, passphrase=passphrase, label="bench")
    public_der = keystore.public_der(key)
    stamp = StampInfo(
        position="Kepala Dinas Kesehatan",
        name="dr. Maria Yikwa, M.Kes",
        nip="198005172005031001",
    )
    url = "https://warkat.example/verifikasi/AbCdEf123456"
    box = rendered.signature_box
    assert box is not None

    def der(obj: Any) -> bytes:
        return obj.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    plain_signer = signers.SimpleSigner(
        signing_cert=pki.asn1_cert(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(der(key)),
        cert_registry=SimpleCertificateStore.from_certs(
            [pki.asn1_cert(ca.intermediate_cert), pki.asn1_cert(ca.root_cert)]
        ),
    )
    plain_tsa = DummyTimeStamper(
        tsa_cert=pki.asn1_cert(ca.tsa_cert),
        tsa_key=asn1_keys.PrivateKeyInfo.load(der(ca.tsa_key)),
    )

    def plain() -> bytes:
        out = io.BytesIO()
        signers.PdfSigner(
            signers.PdfSignatureMetadata(
                field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES
            ),
            signer=plain_signer,
            timestamper=plain_tsa,
            stamp_style=QRStampStyle(),
            new_field_spec=fields.SigFieldSpec(
                sig_field_name="Signature1", on_page=box.page, box=box.box
            ),
        ).sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(rendered.pdf), strict=False),
            output=out,
            appearance_text_params={"url": url},
        )
        return out.getvalue()

    timestamper = pki.TenantTimeStamper(
        tsa_cert=ca.tsa_cert,
        tsa_key=ca.tsa_key,
        chain=[ca.intermediate_cert, ca.root_cert],
    )
    request = SignRequest(
        pdf=rendered.pdf,
        box=box,
        stamp=stamp,
        verification_url=url,
        reason="",
        location="Keerom",
    )
    crls = [
        pki.crl_build(
            issuer_cert=ca.intermediate_cert,
            issuer_key=ca.intermediate_key,
            revoked=[],
            number=1,
            days=7,
        ),
        pki.crl_build(
            issuer_cert=ca.root_cert,
            issuer_key=ca.root_key,
            revoked=[],
            number=1,
            days=90,
        ),
    ]

    def warkat(long_term: bool) -> Callable[[], bytes]:
        def run() -> bytes:
            unlocked = keystore.key_unlock(
                stored_key,
                passphrase=passphrase,
                label="bench",
                public_key_der=public_der,
            )
            material = tenant_ca.CaMaterial(
                root=ca.root_cert,
                intermediate=ca.intermediate_cert,
                timestamper=timestamper,
            )
            if long_term:
                material.crls = crls
                material.ocsps = [
                    pki.ocsp_respond(
                        request_der=pki.ocsp_request_build(
                            cert=cert, issuer_cert=ca.intermediate_cert
                        ),
                        issuer_cert=ca.intermediate_cert,
                        issuer_key=ca.intermediate_key,
                        lookup=lambda _s: pki.OcspStatus(cert=cert),
                    )
                ]
            return tenant_ca.sign(
                request=request, key=unlocked, cert=cert, material=material
            ).signed_pdf

        return run

    rows = []
    for name, fn in (
        ("plain pyHanko defaults (B-T)", plain),
        ("Warkat sign path (B-T)", warkat(False)),
        ("Warkat sign path (B-LT, CRL+OCSP)", warkat(True)),
    ):
        times = _time(fn, runs)
        rows.append((name, statistics.median(times), min(times)))
    return rows


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    import logging

    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    rows = measure(args.runs)
    base = rows[0][1]
    print(
        f"Signing, RSA-2048, 2-page letter, {args.runs} runs (median / min, ms per signature)"
    )
    print(f"{'path':<36} {'median':>9} {'min':>9} {'speed-up':>9}")
    for name, median, fastest in rows:
        print(f"{name:<36} {median:>9.1f} {fastest:>9.1f} {base / median:>8.1f}x")
    return rows


if __name__ == "__main__":
    main()
