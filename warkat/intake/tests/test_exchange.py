"""Exchange packages: export (secrecy, tenants), import as a draft for the TU with
the signature verified, tampered packages refused."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from warkat.audit.models import AuditEvent
from warkat.core.errors import NotFound, PermissionDenied
from warkat.intake import exchange
from warkat.intake.models import InboundFile, InboundItem
from warkat.intake.services.exchange import exchange_export, exchange_import
from warkat.intake.services.items import item_complete
from warkat.letters.models import Letter
from warkat.letters.samples import sample_pdf
from warkat.letters.tests.conftest import stored_files
from warkat.letters.tests.factories import build_org, leaf_code, pdf_upload, register
from warkat.signing.tests import factories as signing
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_tsa(settings: Any) -> None:
    settings.WARKAT_TSA_URL = ""


def signed_letter(o: SimpleNamespace, **kw: Any) -> tuple[Letter, bytes]:
    s = signing.signer(o.tenant, admin=o.users.admin)
    pdf = signing.sign(s, letter_number="000.1/12/DINKES/2026").signed_pdf
    letter = register(
        o,
        files=[SimpleUploadedFile("naskah.pdf", pdf), pdf_upload("lampiran.pdf")],
        **kw,
    )
    return letter, pdf


def rezip(data: bytes, change: dict[str, bytes], *, manifest: bool) -> bytes:
    """``data`` with files replaced; with ``manifest`` the checksums are redone."""
    source = zipfile.ZipFile(io.BytesIO(data))
    files = {n: source.read(n) for n in source.namelist()}
    files.update(change)
    if manifest:
        files[exchange.MANIFEST] = "".join(
            f"{exchange._sha(d)}  {n}\n"
            for n, d in sorted(files.items())
            if n.startswith("data/")
        ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in files.items():
            target.writestr(name, content)
    return out.getvalue()


def test_package_from_another_warkat_tenant_round_trips(
    o: SimpleNamespace, other_tenant: Any, media: Any
) -> None:
    letter, pdf = signed_letter(o)
    name, data = exchange_export(actor=o.users.tu, letter_id=letter.pk)
    assert name == f"naskah-{letter.pk}.zip"
    archive = zipfile.ZipFile(io.BytesIO(data))
    meta = json.loads(archive.read(exchange.METADATA))
    assert meta["perihal"] == letter.subject and meta["nomor"] == letter.number
    assert meta["kode_klasifikasi"] == "000.1.1" and meta["sifat_naskah"] == "biasa"
    assert meta["penandatangan"]["nama"] and meta["naskah"]["sha256"]
    assert [a["nama"] for a in meta["lampiran"]] == ["lampiran.pdf"]
    assert archive.read(exchange.MAIN) == pdf
    assert AuditEvent.objects.filter(action="intake.package_export").count() == 1

    with tenant_scope(other_tenant):
        b = build_org(other_tenant, prefix="b")
        item = exchange_import(actor=b.users.tu, unit=b.dinas, data=data)
        assert item.state == "pending" and item.source == "exchange"
        assert item.verification["known"] is True
        assert item.verification["issuer"] == o.tenant.name
        assert item.verification["status"] in ("valid", "untrusted")
        assert item.subject == letter.subject and item.files.count() == 2
        registered = item_complete(
            actor=b.users.tu, item_id=item.pk, addressed_position=b.pos.kadis,
            subject=item.subject, classification=leaf_code(), number=meta["nomor"],
            letter_date=letter.letter_date, sender_institution=o.tenant.name,
        )  # fmt: skip
        assert registered.tenant_id == other_tenant.pk
        main = registered.files.order_by("pk").first()
        assert main is not None and main.sha256 == hashlib.sha256(pdf).hexdigest()
        # Tenant isolation: tenant B cannot export tenant A's letter.
        with pytest.raises(NotFound):
            exchange_export(actor=b.users.admin, letter_id=letter.pk)


@pytest.mark.parametrize("case", ["checksum", "altered_pdf", "not_zip"])
def test_tampered_packages_are_refused_and_store_nothing(
    o: SimpleNamespace, media: Any, case: str
) -> None:
    letter, pdf = signed_letter(o)
    _name, data = exchange_export(actor=o.users.tu, letter_id=letter.pk)
    before = len(stored_files(media))
    # One byte of the header comment: still a readable PDF, no longer the signed one.
    altered = pdf[:12] + bytes([pdf[12] ^ 1]) + pdf[13:]
    assert pdf[:9] == b"%PDF-1.7\n"
    assert altered != pdf
    bad = {
        "checksum": rezip(data, {exchange.MAIN: altered}, manifest=False),
        "altered_pdf": rezip(data, {exchange.MAIN: altered}, manifest=True),
        "not_zip": b"PK\x03\x04 not really",
    }[case]
    item = exchange_import(actor=o.users.tu, unit=o.dinas, data=bad)
    assert item.state == "refused"
    expected = {"checksum": "checksum", "altered_pdf": "altered", "not_zip": "ZIP"}[
        case
    ]
    assert expected in item.reason_en, item.reason_en
    assert not InboundFile.objects.exists() and len(stored_files(media)) == before
    assert AuditEvent.objects.filter(action="intake.package_refuse").count() == 1


def test_unsigned_package_is_flagged_not_refused(
    o: SimpleNamespace, media: Any
) -> None:
    letter = register(o, files=[pdf_upload()])
    _name, data = exchange_export(actor=o.users.tu, letter_id=letter.pk)
    item = exchange_import(actor=o.users.tu, unit=o.dinas, data=data)
    assert item.state == "pending" and item.verification["status"] == "unsigned"


def test_secret_letter_is_exported_only_by_its_chain(o: SimpleNamespace) -> None:
    letter = register(o, security="rahasia", files=[pdf_upload()])
    for outsider in (o.users.tu, o.users.outsider, o.users.kadinkes):
        with pytest.raises(PermissionDenied):
            exchange_export(actor=outsider, letter_id=letter.pk)
    _name, data = exchange_export(actor=o.users.kadis, letter_id=letter.pk)
    assert (
        json.loads(zipfile.ZipFile(io.BytesIO(data)).read(exchange.METADATA))[
            "sifat_naskah"
        ]
        == "rahasia"
    )
    assert AuditEvent.objects.filter(action="intake.package_export").count() == 1


def test_import_needs_the_units_tu(o: SimpleNamespace) -> None:
    data = exchange.package_build(
        metadata={"perihal": "x"}, main=sample_pdf(["x"]), attachments=[]
    )
    with pytest.raises(PermissionDenied):
        exchange_import(actor=o.users.outsider, unit=o.dinas, data=data)
    with pytest.raises(PermissionDenied):
        exchange_import(actor=o.users.tu, unit=o.other, data=data)
    assert not InboundItem.objects.exists()
