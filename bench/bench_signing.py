"""Signing benchmark: Warkat's sign path against plain pyHanko with its defaults.

    python -m bench.bench_signing [--runs 20] [--warmup 3]

All paths sign the same two-page letter (rendered once with WeasyPrint) with the
same RSA-2048 key and certificate chain at the same visible box, timestamped by the
same local RFC 3161 TSA (the tenant's built-in one, called in-process), in one
process. The paths take turns within every round (plain, B-T, B-LT, then rotated),
so a change in machine load hits all of them alike; each gets ``--warmup`` untimed
signatures first. Reported: median and p95 per signature, and the speed-up of the
medians against plain pyHanko.

* plain pyHanko: ``SimpleSigner.load(key, cert, chain, passphrase)`` from PEM files
  (once, outside the timing: the most favourable case for the baseline), then per
  signature ``signers.sign_pdf`` with ``PdfSignatureMetadata`` defaults (only the
  field name set, for the visible box) — pyHanko's default stamp, no
  ``bytes_reserved`` (it sizes the placeholder with a dry-run signature).
* Warkat sign path: what ``documents.document_sign`` computes per signature,
  without the database and the file write — unlock the passphrase-encrypted key, open the PDF
  once (``pdf_open``), sign through ``providers.tenant_ca.sign`` (key object used
  directly, pre-sized ``bytes_reserved``, certificate parts of the CMS and the TSA
  encoded once per process, stamp font parsed and compressed once per process,
  visible stamp with QR code and embedded font). B-LT also answers an OCSP request
  for the signer's certificate and embeds it with the CA's CRLs.
* "in a batch": the same, with the key unlocked once for all signatures, as
  ``drafting.batches`` does (one passphrase and code for the whole batch).
* "main (955f569)" rows: the same path with the changes after 955f569 undone
  in-process (``_main``): a new event loop per signature, stamp lines shaped
  per signature, pyHanko's own byte-by-byte name and token reading/writing.
* "11ce833" rows: the same path with the changes after 11ce833 undone
  in-process (``_main_11ce833``): the CMS built by pyHanko's own assembly
  (``signing.cmsder`` not used, the TSA asked through a request), the QR code
  by ``qrcode``, pyHanko's own reading of object stream headers.
  The plain pyHanko row runs with pyHanko's own reader and writer too
  (``_pyhanko_as_shipped``: none of ``signing.pdfparse``).
* Warkat ``document_sign``, whole call: ``signer_unlock`` + ``document_sign`` as the
  letter workflow calls them, database and file storage included, for a
  throw-away tenant in a transaction rolled back at the end (skipped when the
  configured database is not migrated).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PASSPHRASE = "kunci-rahasia-123"


@dataclass(frozen=True)
class Row:
    path: str
    median_ms: float
    p95_ms: float
    speedup: float
    output_bytes: int
    #: Median CPU milliseconds of this process per signature, and the speed-up
    #: of that against plain pyHanko's (steadier than wall-clock under load).
    cpu_ms: float = 0.0
    cpu_speedup: float = 0.0


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")
    import django

    django.setup()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def _pem_files(folder: Path, ca: Any, key: Any, cert: Any) -> dict[str, str]:
    """The signer's key (PKCS#8, passphrase-encrypted), certificate and chain as
    a plain pyHanko user keeps them."""
    from cryptography.hazmat.primitives import serialization

    pem = serialization.Encoding.PEM
    files = {
        "key": key.private_bytes(
            pem,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        ),
        "cert": cert.public_bytes(pem),
        "intermediate": ca.intermediate_cert.public_bytes(pem),
        "root": ca.root_cert.public_bytes(pem),
    }
    paths = {}
    for name, data in files.items():
        path = folder / f"{name}.pem"
        path.write_bytes(data)
        paths[name] = str(path)
    return paths


def _qrcode_matrix(url: str) -> list[bytearray]:
    """The stamp's QR code as ``qrcode`` makes it with the mask fixed (11ce833)."""
    import qrcode

    from warkat.signing import stampqr

    qr = qrcode.QRCode(
        error_correction=stampqr.ERROR_CORRECTION, mask_pattern=stampqr.QR_MASK
    )
    qr.add_data(url)
    qr.make(fit=True)
    return [bytearray(bool(m) for m in row) for row in qr.modules]


@contextmanager
def _main_11ce833() -> Iterator[None]:
    """The sign path as on main at 11ce833, for the "main (11ce833)" rows: the
    CMS built by pyHanko's own assembly (asn1crypto objects, the built-in TSA
    asked through an RFC 3161 request and response), the QR code by ``qrcode``,
    objects in object streams found by pyHanko's own header reading."""
    from unittest import mock

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers

    from warkat.signing import pdfparse, stampqr
    from warkat.signing.providers import tenant_ca

    with (
        mock.patch.object(
            tenant_ca.UnlockedKeySigner, "async_sign", signers.Signer.async_sign
        ),
        mock.patch.object(stampqr, "qr_matrix", _qrcode_matrix),
        mock.patch.object(
            PdfFileReader, "_get_object_from_stream", pdfparse._pyhanko_from_stream
        ),
    ):
        yield


@contextmanager
def _main() -> Iterator[None]:
    """The sign path as on main at 955f569, for the "main" rows of the same run:
    a new event loop for every signature (``asyncio.run``), the stamp's lines
    shaped and its ``ToUnicode`` map built for every signature, PDF names and
    bare tokens read and written by pyHanko's own byte-by-byte code (and the
    changes after 11ce833 undone, ``_main_11ce833``)."""
    from unittest import mock

    from pyhanko.pdf_utils import generic, misc
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

    from warkat.signing import pdfparse, stampfont
    from warkat.signing.providers import presign

    def sign_pdf(pdf_signer: Any, writer: Any, **kw: Any) -> Any:
        return asyncio.run(presign._sign(pdf_signer, writer, **kw))

    engine = stampfont.EmbeddedFontEngine
    with (
        _main_11ce833(),
        mock.patch.object(presign, "sign_pdf", sign_pdf),
        mock.patch.object(engine, "shape", GlyphAccumulator.shape),
        mock.patch.object(
            engine, "_format_tounicode_cmap", GlyphAccumulator._format_tounicode_cmap
        ),
        mock.patch.object(
            misc, "read_until_delimiter", pdfparse._pyhanko_until_delimiter
        ),
        mock.patch.object(
            generic, "read_until_delimiter", pdfparse._pyhanko_until_delimiter
        ),
        mock.patch.object(generic, "_decode_name", pdfparse._pyhanko_name_decode),
        mock.patch.object(
            generic.NameObject, "write_to_stream", pdfparse._pyhanko_name_write
        ),
    ):
        yield


@contextmanager
def _pyhanko_as_shipped() -> Iterator[None]:
    """pyHanko's own PDF reader and writer (none of ``signing.pdfparse``), for
    the plain pyHanko row."""
    from unittest import mock

    from pyhanko.pdf_utils import generic

    from warkat.signing import pdfparse

    with (
        _main(),
        mock.patch.object(
            generic, "read_hex_string_from_stream", pdfparse._pyhanko_reader
        ),
    ):
        yield


@contextmanager
def _before() -> Iterator[None]:
    """The sign path as it was at d1d625c, for the "before" rows of the same run:
    pyHanko's own ``sign_pdf`` (presign validation of the signer's path and the
    TSA's for every signature, the DSS in a second revision with VRI), its QR
    stamp (best of eight mask patterns, a rectangle per module) and certificates
    parsed again for every signature."""
    from unittest import mock

    from pyhanko.sign.signers.pdf_signer import DSSContentSettings
    from pyhanko.stamp import QRStampStyle

    from warkat.signing import pki
    from warkat.signing.providers import presign, tenant_ca

    style = tenant_ca.stamp_style()

    def stock_style() -> QRStampStyle:
        return QRStampStyle(
            stamp_text=style.stamp_text, text_box_style=style.text_box_style,
            border_width=style.border_width, innsep=style.innsep,
        )  # fmt: skip

    def pyhanko_sign_pdf(pdf_signer: Any, writer: Any, **kw: Any) -> Any:
        return pdf_signer.sign_pdf(
            writer, output=kw["output"], bytes_reserved=kw["bytes_reserved"],
            appearance_text_params=kw["text_params"],
        )  # fmt: skip

    with (
        _main(),
        mock.patch.object(tenant_ca, "stamp_style", stock_style),
        mock.patch.object(presign, "sign_pdf", pyhanko_sign_pdf),
        mock.patch.object(presign, "DSS_WITH_SIGNATURE", DSSContentSettings()),
        mock.patch.object(pki, "asn1_cert", pki.asn1_cert.__wrapped__),
        mock.patch.object(tenant_ca, "_registry", tenant_ca._registry.__wrapped__),
    ):
        yield


def _paths(stack: ExitStack, folder: Path) -> dict[str, Callable[[], bytes]]:
    """The three sign paths, ready to call; each returns the signed PDF."""
    import datetime as dt

    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from warkat.signing import keystore, pki
    from warkat.signing.providers import presign, tenant_ca
    from warkat.signing.providers.base import SignRequest, StampInfo, pdf_open
    from warkat.signing.render import render_for_signing
    from warkat.signing.tests.factories import LETTER_HTML, ca_with_signer

    body = "".join(
        f"<p>Paragraf {n}: dengan hormat, {'isi surat ' * 40}</p>" for n in range(9)
    )
    rendered = render_for_signing(html=LETTER_HTML % body)
    box = rendered.signature_box
    assert box is not None and rendered.pages == 2, rendered.pages
    urls = pki.PkiUrls(*(f"https://warkat.example/pki/x/{n}" for n in range(5)))
    ca, key, cert = ca_with_signer("Kabupaten Keerom", urls, 730)
    # One local TSA for every path: the tenant's built-in one, in-process.
    tsa = pki.TenantTimeStamper(
        tsa_cert=ca.tsa_cert,
        tsa_key=ca.tsa_key,
        chain=[ca.intermediate_cert, ca.root_cert],
    )
    url = "https://warkat.example/verifikasi/AbCdEf123456GhIjKl789012"

    pem = _pem_files(folder, ca, key, cert)
    plain_signer = signers.SimpleSigner.load(
        pem["key"],
        pem["cert"],
        ca_chain_files=(pem["intermediate"], pem["root"]),
        key_passphrase=PASSPHRASE.encode(),
    )
    assert plain_signer is not None

    def plain() -> bytes:
        with _pyhanko_as_shipped():
            return plain_once()

    def plain_once() -> bytes:
        out = signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(rendered.pdf), strict=False),
            signers.PdfSignatureMetadata(field_name="Signature1"),
            signer=plain_signer,
            timestamper=tsa,
            new_field_spec=fields.SigFieldSpec(
                sig_field_name="Signature1", on_page=box.page, box=box.box
            ),
        )
        return out.getvalue()

    stored_key = keystore.key_wrap_passphrase(key, passphrase=PASSPHRASE, label="bench")
    public_der = keystore.public_der(key)
    stamp = StampInfo(
        position="Kepala Dinas Kesehatan",
        name="dr. Maria Yikwa, M.Kes",
        nip="198005172005031001",
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

    def ocsp_make() -> bytes:
        return pki.ocsp_respond(
            request_der=pki.ocsp_request_build(
                cert=cert, issuer_cert=ca.intermediate_cert
            ),
            issuer_cert=ca.intermediate_cert,
            issuer_key=ca.intermediate_key,
            lookup=lambda _s: pki.OcspStatus(cert=cert),
        )

    cert_der = cert.public_bytes(serialization.Encoding.DER)

    once = keystore.key_unlock(
        stored_key, passphrase=PASSPHRASE, label="bench", public_key_der=public_der
    )

    def warkat(
        long_term: bool,
        before: bool = False,
        batch: bool = False,
        main: bool = False,
        main2: bool = False,
    ) -> Callable[[], bytes]:
        def run() -> bytes:
            if before:
                with _before():
                    return sign_once()
            if main:
                with _main():
                    return sign_once()
            if main2:
                with _main_11ce833():
                    return sign_once()
            return sign_once()

        def sign_once() -> bytes:
            # A batch unlocks the key once for all its letters.
            unlocked = (
                once
                if batch
                else keystore.key_unlock(
                    stored_key,
                    passphrase=PASSPHRASE,
                    label="bench",
                    public_key_der=public_der,
                )
            )
            request = SignRequest(
                pdf=rendered.pdf,
                reader=pdf_open(rendered.pdf),
                box=box,
                stamp=stamp,
                verification_url=url,
                reason="",
                location="Keerom",
            )
            material = tenant_ca.CaMaterial(
                root=ca.root_cert, intermediate=ca.intermediate_cert, timestamper=tsa
            )
            if long_term:
                material.crls = crls
                # Before: an OCSP answer made for every signature; now: made once
                # per certificate and kept while fresh (as ``documents`` does).
                material.ocsps = [
                    ocsp_make()
                    if before
                    else presign.ocsp_answer(
                        cert_der, ocsp_make, now=dt.datetime.now(dt.UTC)
                    )
                ]
            return tenant_ca.sign(
                request=request, key=unlocked, cert=cert, material=material
            ).signed_pdf

        return run

    paths = {
        "plain pyHanko sign_pdf defaults (B-T)": plain,
        "Warkat B-T, before (d1d625c)": warkat(False, before=True),
        "Warkat B-T, main (955f569)": warkat(False, main=True),
        "Warkat B-T, main (11ce833)": warkat(False, main2=True),
        "Warkat B-T, now": warkat(False),
        "Warkat B-LT (CRLs + OCSP), before": warkat(True, before=True),
        "Warkat B-LT (CRLs + OCSP), main": warkat(True, main=True),
        "Warkat B-LT (CRLs + OCSP), 11ce833": warkat(True, main2=True),
        "Warkat B-LT (CRLs + OCSP), now": warkat(True),
        "Warkat B-T, main, in a batch": warkat(False, batch=True, main=True),
        "Warkat B-T, 11ce833, in a batch": warkat(False, batch=True, main2=True),
        "Warkat B-T, now, in a batch": warkat(False, batch=True),
        "Warkat B-LT, main, in a batch": warkat(True, batch=True, main=True),
        "Warkat B-LT, 11ce833, in a batch": warkat(True, batch=True, main2=True),
        "Warkat B-LT, now, in a batch": warkat(True, batch=True),
    }
    whole = _whole_call(stack, folder, rendered)
    if isinstance(whole, str):
        print(f"document_sign row skipped: {whole}")
    else:
        paths["Warkat document_sign, whole call (B-LT)"] = whole
    return paths


def _whole_call(
    stack: ExitStack, folder: Path, rendered: Any
) -> Callable[[], bytes] | str:
    """``signer_unlock`` + ``document_sign`` as the letter workflow calls them
    (TOTP and passphrase check, certificate and CA rows, CRL/OCSP, signature,
    file write, ``SignedDocument`` row, audit event) for a throw-away tenant in a
    transaction rolled back at the end. Needs a migrated database."""
    import datetime as dt
    import itertools

    import time_machine
    from django.conf import settings
    from django.db import DatabaseError, transaction
    from django.test import override_settings

    from bench.generate import _free_region
    from warkat.signing.tests import factories
    from warkat.tenancy.scope import tenant_scope
    from warkat.tenancy.services import tenant_create

    try:
        region = _free_region()
    except (DatabaseError, RuntimeError) as exc:
        return f"no usable database ({type(exc).__name__}: run manage.py migrate)"
    media = folder / "media"
    stack.enter_context(
        override_settings(
            STORAGES={
                **settings.STORAGES,
                "default": {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(media)},
                },
            },
            WARKAT_TSA_URL="",
        )
    )
    stack.enter_context(transaction.atomic())
    # Runs first when the stack closes: the atomic block then rolls back.
    stack.callback(transaction.set_rollback, True)
    try:
        tenant = tenant_create(region_code=region, actor=None, build_regions=False)
        stack.enter_context(tenant_scope(tenant))
        signer = factories.signer(tenant)
    except DatabaseError as exc:
        return f"database not migrated ({exc}): run manage.py migrate"
    start = dt.datetime.now(dt.UTC)
    windows = itertools.count(1)

    def run() -> bytes:
        # A TOTP code is accepted once: each signature gets its own 30 s window.
        moment = start + dt.timedelta(seconds=31 * next(windows))
        with time_machine.travel(moment, tick=True):
            return factories.sign(signer, rendered=rendered).signed_pdf

    return run


def measure(runs: int = 20, warmup: int = 3) -> list[Row]:
    """Median and p95 per path; the first path is the baseline."""
    _setup_django()
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        paths = _paths(stack, Path(folder))
        names = list(paths)
        sizes = {name: len(paths[name]()) for name in names}
        for _i in range(warmup - 1):
            for name in names:
                paths[name]()
        times: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[float]] = {name: [] for name in names}
        for round_no in range(runs):
            shift = round_no % len(names)
            for name in names[shift:] + names[:shift]:
                gc.collect()
                start, start_cpu = time.perf_counter(), time.process_time()
                paths[name]()
                times[name].append((time.perf_counter() - start) * 1000)
                cpu[name].append((time.process_time() - start_cpu) * 1000)
    base = statistics.median(times[names[0]])
    base_cpu = statistics.median(cpu[names[0]])
    return [
        Row(
            path=name,
            median_ms=statistics.median(times[name]),
            p95_ms=_p95(times[name]),
            speedup=base / statistics.median(times[name]),
            output_bytes=sizes[name],
            cpu_ms=statistics.median(cpu[name]),
            cpu_speedup=base_cpu / statistics.median(cpu[name]),
        )
        for name in names
    ]


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args(argv)
    if args.runs < 15 or args.warmup < 1:
        parser.error("use at least 15 runs and 1 warm-up signature")
    import logging

    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    rows = measure(args.runs, args.warmup)
    print(
        f"Signing a 2-page letter, RSA-2048, local TSA: {args.runs} interleaved runs "
        f"after {args.warmup} warm-up (ms per signature)"
    )
    print(
        f"{'path':<42} {'median':>8} {'p95':>8} {'speed-up':>9} {'CPU p50':>8} "
        f"{'CPU x':>6} {'PDF bytes':>10}"
    )
    for row in rows:
        print(
            f"{row.path:<42} {row.median_ms:>8.1f} {row.p95_ms:>8.1f} "
            f"{row.speedup:>8.1f}x {row.cpu_ms:>8.1f} {row.cpu_speedup:>5.1f}x "
            f"{row.output_bytes:>10}"
        )
    print(
        "median/p95 are wall-clock; CPU p50 is this process's CPU per signature; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    return rows


if __name__ == "__main__":
    main()
