"""The national classification list is loaded and searchable; tenants can hide codes."""

from __future__ import annotations

import pytest

from warkat.archive.models import ClassificationCode, TenantClassificationCode
from warkat.archive.selectors import classification_search

pytestmark = pytest.mark.django_db


def test_all_codes_loaded_with_tree_and_retention() -> None:
    assert ClassificationCode.objects.count() == 2985
    code = ClassificationCode.objects.get(code="000.1.1")
    assert code.parent is not None and code.parent.code == "000.1"
    assert (code.retention_active_years, code.final_disposition) == (1, "musnah")
    assert not ClassificationCode.objects.get(code="000").has_retention


def test_search_offers_leaves_only_and_respects_tenant_hiding(in_tenant) -> None:
    found = list(classification_search(query="000.1"))
    assert found and all(c.has_retention for c in found)
    assert all(c.code.startswith("000.1") for c in found)
    by_name = list(classification_search(query="telekomunikasi"))
    assert any(c.code == "000.1.1" for c in by_name)
    TenantClassificationCode.objects.create(
        tenant=in_tenant,
        code=ClassificationCode.objects.get(code="000.1.1"),
        is_hidden=True,
    )
    assert all(c.code != "000.1.1" for c in classification_search(query="000.1"))


def _csv_codes_mentioning(word: str) -> set[str]:
    """Leaf codes whose name or retention note in the national list mentions ``word``."""
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "data" / "klasifikasi-arsip.csv"
    with path.open(encoding="utf-8") as fh:
        return {
            row["kode"]
            for row in csv.DictReader(fh)
            if row["retensi_aktif_tahun"]
            and word in f"{row['nama']} {row['keterangan_retensi']}".lower()
        }


def test_search_finds_invitation_codes_by_words_in_names_and_notes(in_tenant) -> None:
    expected = _csv_codes_mentioning("undangan")
    assert "500.10.9.8" in expected  # "... Surat Undangan Presentasi ..."
    for query in ("undangan", "UNDANGAN", "Surat Undangan", "undangan surat"):
        found = {c.code for c in classification_search(query=query, limit=50)}
        assert {"500.10.9.8"} <= found, query
    assert expected <= {c.code for c in classification_search(query="undangan")}


def test_search_finds_words_in_the_retention_note(in_tenant) -> None:
    note = ClassificationCode.objects.exclude(retention_note="").first()
    assert note is not None
    word = max(note.retention_note.split(), key=len).strip(",.:;()")
    found = {c.code for c in classification_search(query=word, limit=200)}
    assert note.code in found


def test_option_text_shows_the_passage_a_long_name_hid(in_tenant) -> None:
    from warkat.archive.selectors import classification_option_text

    code = ClassificationCode.objects.get(code="500.10.9.8")
    text = classification_option_text(code=code, query="undangan")
    # A browser keeps only options whose text contains what was typed.
    assert text.startswith("500.10.9.8 ") and "undangan" in text.lower()
    assert len(text) <= 200  # the form field's limit
    short = classification_option_text(code=code, query="dokumen")
    assert short.startswith("500.10.9.8 Dokumen") and len(short) < 100
