"""The demo's scanned letters: files without a text layer, read by OCR, one of them
holding a word found nowhere else, so a visitor can search for it."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command

from warkat.demo.letters import SCAN_WORD, SCANS
from warkat.letters.models import Letter
from warkat.ocr.models import FileText
from warkat.ocr.processing import file_text_read
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


def test_a_word_only_inside_a_demo_scan_is_read_by_ocr(
    db: Any, settings: Any, tmp_path: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    call_command("demo_load", stdout=io.StringIO())
    keerom = Tenant.objects.get(region_code="91.11")
    with tenant_scope(keerom):
        scans = FileText.objects.filter(letter__number__in=list(SCANS))
        assert scans.count() == len(SCANS)
        for row in FileText.objects.order_by("pk"):
            assert file_text_read(file_text_id=row.pk).state == "done"
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
