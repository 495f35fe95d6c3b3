"""The demo's scanned letters: files without a text layer, read by OCR, one of them
holding a word found nowhere else, so a visitor can search for it."""

from __future__ import annotations

from typing import Any

from warkat.demo.letters import SCAN_WORD, SCANS
from warkat.letters.models import Letter
from warkat.ocr.models import FileText
from warkat.ocr.processing import file_text_read
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


def test_a_word_only_inside_a_demo_scan_is_read_by_ocr(demo: Any) -> None:
    # ``demo`` keeps the scans in this test's own storage folder.
    keerom = Tenant.objects.get(region_code="91.11")
    with tenant_scope(keerom):
        scans = FileText.objects.filter(letter__number__in=list(SCANS))
        assert scans.count() == len(SCANS)
        # The load's commits may have read them already: a read now does the rest.
        for row in FileText.objects.order_by("pk"):
            assert file_text_read(file_text_id=row.pk).state in {"done", "skipped"}
        assert set(FileText.objects.values_list("state", flat=True)) == {"done"}
        found = [
            row.letter.number
            for row in FileText.objects.select_related("letter")
            if SCAN_WORD.lower() in row.text.lower()
        ]
        assert found == ["005/41/DIST-ARSO"]
        assert set(scans.values_list("source", flat=True)) == {"ocr"}
        # Nowhere outside the scan: not in any letter's fields.
        for letter in Letter.objects.all():
            fields = " ".join(
                [letter.subject, letter.summary, letter.sender_institution]
            )
            assert SCAN_WORD.lower() not in fields.lower()
