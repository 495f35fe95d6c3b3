"""Pemindahan (signed by the unit's head and the records centre's head) and
penyerahan (a BagIt package the regional archive can validate)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import bagit
import pytest
from pypdf import PdfReader

from warkat.archive.models import DisposalBatch
from warkat.archive.packaging import package_open
from warkat.archive.selectors.disposal import due_letters
from warkat.archive.services.batches import batch_appraise, batch_approve, batch_propose
from warkat.archive.tests.conftest import old_letter
from warkat.archive.tests.flow import propose, sign, signers
from warkat.core.errors import DomainError
from warkat.signing.documents import signed_open

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 4)


def test_transfer_is_signed_by_both_sides(arc: SimpleNamespace, frozen: Any) -> None:
    signers(arc, "kadis", "kabag_umum")
    letter = old_letter(arc, 2024)
    batch = batch_propose(
        actor=arc.users.tu, kind="pemindahan", unit=arc.dinas, letters=[letter]
    )
    assert batch.state == "approved"
    assert [s.position for s in batch.signatures.order_by("order")] == [
        arc.pos.kadis,
        arc.pos.kabag_umum,
    ]
    with pytest.raises(DomainError) as exc:
        sign(arc, "kabag_umum", batch, frozen)  # not yet their turn
    assert exc.value.code == "archive.not_signer"
    sign(arc, "kadis", batch, frozen)
    done = sign(arc, "kabag_umum", batch, frozen)
    assert done.state == "done"
    document = done.signatures.get(order=2).document
    assert document is not None
    pdf = signed_open(document)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.get_fields() or {}) == 2
    assert "PEMINDAHAN ARSIP INAKTIF" in reader.pages[0].extract_text()
    assert not due_letters(kind="pemindahan", today=TODAY).filter(pk=letter.pk).exists()


def test_roles_propose_appraise_approve(arc: SimpleNamespace) -> None:
    letter = old_letter(arc, 2019)
    for user, kind in (
        (arc.users.tu, "pemusnahan"),
        (arc.users.outsider, "pemindahan"),
        (arc.users.kadis, "pemusnahan"),
    ):
        with pytest.raises(DomainError) as exc:
            batch_propose(actor=user, kind=kind, unit=arc.dinas, letters=[letter])
        assert exc.value.status_code in {403, 422}
    with pytest.raises(DomainError) as exc:  # not due for a transfer: past both periods
        batch_propose(
            actor=arc.users.tu, kind="pemindahan", unit=arc.dinas, letters=[letter]
        )
    assert exc.value.code == "archive.not_due"
    batch = propose(arc, [letter], "pemusnahan")
    with pytest.raises(DomainError):
        batch_appraise(actor=arc.users.kadis, batch=batch, approve=True)
    with pytest.raises(DomainError):
        batch_approve(actor=arc.users.bupati, batch=batch)  # not appraised yet
    batch_appraise(actor=arc.users.sekda, batch=batch, approve=True)
    with pytest.raises(DomainError) as exc:
        batch_appraise(actor=arc.users.sekda, batch=batch, approve=True)
    assert exc.value.code == "archive.already_appraised"
    batch = batch_appraise(actor=arc.users.kadinkes, batch=batch, approve=True)
    assert batch.state == "appraised"
    with pytest.raises(DomainError):
        batch_approve(actor=arc.users.sekda, batch=batch)
    assert batch_approve(actor=arc.users.bupati, batch=batch).state == "approved"


def test_a_rejection_frees_the_letters(arc: SimpleNamespace) -> None:
    letter = old_letter(arc, 2019)
    batch = propose(arc, [letter], "pemusnahan")
    with pytest.raises(DomainError) as exc:
        propose(arc, [letter], "pemusnahan")
    assert exc.value.code == "archive.already_listed"
    assert (
        batch_appraise(actor=arc.users.kadinkes, batch=batch, approve=False).state
        == "rejected"
    )
    again = propose(arc, [letter], "pemusnahan")
    assert again.state == "proposed"


def test_ten_years_or_more_needs_the_anri_approval(arc: SimpleNamespace) -> None:
    letter = old_letter(arc, 2012, code="000.4.3.1")  # 3 + 7 years, musnah
    batch = propose(arc, [letter], "pemusnahan")
    batch_appraise(actor=arc.users.sekda, batch=batch, approve=True)
    batch_appraise(actor=arc.users.kadinkes, batch=batch, approve=True)
    with pytest.raises(DomainError) as exc:
        batch_approve(actor=arc.users.bupati, batch=batch)
    assert exc.value.code == "archive.anri_required"
    approved = batch_approve(
        actor=arc.users.bupati, batch=batch, anri_approval="B-123/ANRI/2026"
    )
    assert approved.anri_approval == "B-123/ANRI/2026"


def test_handover_package_is_a_valid_bag(
    arc: SimpleNamespace,
    frozen: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    signers(arc, "bupati")
    letter = old_letter(arc, 2020, code="000.4.3.7")  # permanen
    secret = old_letter(arc, 2020, code="000.4.3.7", security="rahasia")
    with pytest.raises(DomainError) as exc:
        propose(arc, [secret], "penyerahan")
    assert exc.value.code == "archive.secret_handover"
    batch = propose(arc, [letter], "penyerahan")
    batch_appraise(actor=arc.users.sekda, batch=batch, approve=True)
    batch_appraise(actor=arc.users.kadinkes, batch=batch, approve=True)
    batch_approve(actor=arc.users.bupati, batch=batch)
    with django_capture_on_commit_callbacks(execute=True):
        sign(arc, "bupati", batch, frozen)
    batch = DisposalBatch.objects.get(pk=batch.pk)
    assert batch.state == "done" and batch.package_sha256
    with zipfile.ZipFile(io.BytesIO(package_open(batch))) as archive:
        archive.extractall(tmp_path)
    bag = bagit.Bag(str(tmp_path / f"penyerahan-{batch.pk}"))
    bag.validate()  # every checksum matches
    assert "sha256" in bag.algorithms
    assert bag.info["Source-Organization"] == "Kabupaten Keerom"
    meta = json.loads((Path(bag.path) / "data" / "metadata.json").read_text())
    assert [m["id"] for m in meta["letters"]] == [letter.pk]
    assert meta["letters"][0]["files"][0]["sha256"] == letter.files.first().sha256
    assert (Path(bag.path) / "data" / "berita-acara.pdf").read_bytes()[:5] == b"%PDF-"
    # The files stay in Warkat (the package is a copy) and nothing is due any more.
    assert letter.files.exists()
    assert not due_letters(kind="penyerahan", today=TODAY).filter(pk=letter.pk).exists()
