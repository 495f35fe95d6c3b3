"""The tenant-CA sign path without the database: stamp font, placeholder size, the
CMS parts and TSA tokens encoded once per process, the single PDF parse."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import tsp
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from warkat.core.errors import DomainError
from warkat.signing import keystore, pki, stampfont
from warkat.signing.providers import tenant_ca
from warkat.signing.providers.base import (
    FONT_FILE,
    SignRequest,
    StampInfo,
    pdf_open,
)
from warkat.signing.tests.factories import letter_pdf

LONG = "Dinas Pemberdayaan Masyarakat dan Pemerintahan Kampung Kabupaten X"[:64]


def _ca(organisation: str = "Kabupaten Keerom") -> pki.IssuedCa:
    urls = pki.PkiUrls(*(f"https://warkat.example/pki/x/{n}" for n in range(5)))
    return pki.ca_build(organisation=organisation, urls=urls)


def _signer_cert(ca: pki.IssuedCa, key: Any, *, name: str, title: str) -> Any:
    urls = pki.PkiUrls(*(f"https://warkat.example/pki/x/{n}" for n in range(5)))
    return pki.signer_cert_build(
        subject=pki.SignerSubject(name, "198005172005031001", title, "Keerom"),
        public_key_der=keystore.public_der(key),
        issuer_cert=ca.intermediate_cert,
        issuer_key=ca.intermediate_key,
        days=365,
        urls=urls,
    )


def _sign(ca: pki.IssuedCa, key: Any, cert: Any, stamp: StampInfo) -> bytes:
    rendered = letter_pdf()
    assert rendered.signature_box is not None
    timestamper = pki.TenantTimeStamper(
        tsa_cert=ca.tsa_cert,
        tsa_key=ca.tsa_key,
        chain=[ca.intermediate_cert, ca.root_cert],
    )
    request = SignRequest(
        pdf=rendered.pdf,
        reader=pdf_open(rendered.pdf),
        box=rendered.signature_box,
        stamp=stamp,
        verification_url="https://warkat.example/verifikasi/AbCdEf123456GhIjKl789012",
        reason="",
        location="Keerom",
    )
    material = tenant_ca.CaMaterial(
        root=ca.root_cert, intermediate=ca.intermediate_cert, timestamper=timestamper
    )
    return tenant_ca.sign(
        request=request, key=key, cert=cert, material=material
    ).signed_pdf


def _validate(pdf: bytes, ca: pki.IssuedCa) -> Any:
    sig = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[-1]
    context = ValidationContext(
        trust_roots=[pki.asn1_cert(ca.root_cert)], allow_fetching=False
    )
    return sig, validate_pdf_signature(sig, context, context)


def _tool(args: list[str], pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [*args, str(path), *(["-"] if args[0] == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_stamp_font_is_embedded_whole_and_text_extractable(tmp_path: Path) -> None:
    ca = _ca()
    key = keystore.rsa_generate()
    cert = _signer_cert(ca, key, name="dr. Maria Yikwa, M.Kes", title="Kepala Dinas")
    stamp = StampInfo(
        position="Plt. Kepala Dinas Kesehatan", name="Ésther Wonda", nip="1980"
    )
    pdf = _sign(ca, key, cert, stamp)
    fonts = _tool(["pdffonts"], pdf, tmp_path)
    line = next(row for row in fonts.splitlines() if row.startswith("DejaVuSans-"))
    # Not a subset (no ABCDEF+ tag), a CID TrueType font, embedded, with ToUnicode.
    assert "CID TrueType" in line
    assert line.split()[-5:-2] == ["yes", "no", "yes"]
    text = _tool(["pdftotext", "-layout"], pdf, tmp_path)
    assert "Ésther Wonda" in text and "NIP. 1980" in text
    assert "Plt. Kepala Dinas Kesehatan" in text


def test_font_program_is_parsed_once_and_reread_when_the_file_changes(
    tmp_path: Path,
) -> None:
    first = stampfont.font_program(FONT_FILE)
    assert stampfont.font_program(FONT_FILE) is first
    copy = tmp_path / "font.ttf"
    copy.write_bytes(FONT_FILE.read_bytes())
    program = stampfont.font_program(copy)
    assert program is not first and program.font_file == first.font_file
    copy.write_bytes(FONT_FILE.read_bytes() + b"\0\0\0\0")
    assert stampfont.font_program(copy) is not program


def test_placeholder_fits_long_names_without_a_dry_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ca = _ca(organisation=LONG)
    key = keystore.rsa_generate()
    cert = _signer_cert(ca, key, name=LONG, title=LONG)

    async def no_dry_run(*_a: Any, **_k: Any) -> int:
        raise AssertionError("pyHanko estimated the size with a dry-run signature")

    from pyhanko.sign.signers.pdf_signer import PdfSigningSession

    monkeypatch.setattr(
        PdfSigningSession, "estimate_signature_container_size", no_dry_run
    )
    pdf = _sign(ca, key, cert, StampInfo(position=LONG, name=LONG))
    sig, status = _validate(pdf, ca)
    assert status.intact and status.valid and status.trusted
    reserved = len(sig.sig_object["/Contents"])
    used = len(sig.pkcs7_content)
    # Room for the CMS, but not kilobytes of zeros in every letter.
    assert used <= reserved < used + 2 * (tenant_ca.CMS_OVERHEAD + pki.TOKEN_OVERHEAD)


def test_cms_parts_belong_to_each_signer() -> None:
    ca = _ca()
    results = []
    for name in ("Maria Yikwa", "Yosef Tafor"):
        key = keystore.rsa_generate()
        cert = _signer_cert(ca, key, name=name, title="Kepala Dinas")
        pdf = _sign(ca, key, cert, StampInfo(position="Kepala Dinas", name=name))
        sig, status = _validate(pdf, ca)
        # Signing-certificate-v2 and the signer id must name this signer's cert:
        # pyHanko checks both against the embedded certificate.
        assert status.valid and status.trusted
        assert sig.signer_cert.subject.native["common_name"] == name
        results.append(sig.signer_cert.serial_number)
    assert results[0] != results[1]


def test_timestamp_token_names_the_warkat_policy() -> None:
    ca = _ca()
    key = keystore.rsa_generate()
    cert = _signer_cert(ca, key, name="Maria Yikwa", title="Kepala Dinas")
    pdf = _sign(ca, key, cert, StampInfo(position="Kepala Dinas", name="Maria"))
    sig, status = _validate(pdf, ca)
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    token = sig.signer_info["unsigned_attrs"][0]["values"][0]
    tst_info = token["content"]["encap_content_info"]["content"].parsed
    assert isinstance(tst_info, tsp.TSTInfo)
    assert tst_info["policy"].dotted == pki.TSA_POLICY_OID


@pytest.mark.parametrize(
    "data",
    [b"", b"not a pdf", letter_pdf().pdf[:400]],
    ids=["empty", "text", "truncated"],
)
def test_unreadable_pdf_is_refused_before_signing(data: bytes) -> None:
    with pytest.raises(DomainError) as exc:
        pdf_open(data)
    assert exc.value.code == "signing.pdf_invalid"


def test_stamp_lines_shaped_once_give_the_same_glyphs() -> None:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    def engine() -> Any:
        writer = IncrementalPdfFileWriter(io.BytesIO(letter_pdf().pdf), strict=False)
        factory = stampfont.EmbeddedFontFactory(str(FONT_FILE), font_size=7)
        return factory.create_font_engine(writer)

    text = "Plt. Kepala Dinas Kesehatan — Ésther Wonda fi"
    plain, first, again = engine(), engine(), engine()
    expected = GlyphAccumulator.shape(plain, text)
    assert first.shape(text) == expected
    assert again.shape(text) == expected  # from the kept result
    assert first._glyphs == again._glyphs == plain._glyphs
    assert first._cid_to_unicode == again._cid_to_unicode == plain._cid_to_unicode
    cmap = GlyphAccumulator._format_tounicode_cmap(plain).data
    assert first._format_tounicode_cmap().data == cmap
    assert again._format_tounicode_cmap().data == cmap
