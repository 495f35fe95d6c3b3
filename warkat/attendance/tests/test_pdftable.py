"""The recap's PDF table: readable pages, every row, the header on every page."""

from __future__ import annotations

import io

from pypdf import PdfReader

from warkat.attendance.pdftable import table_pdf


def test_rows_over_pages_with_header_and_title() -> None:
    header = ["Nama", "NIP", "Jabatan", "Unit", "Hadir", "TL1", "Potongan TPP (%)"]
    rows = [
        [f"Pegawai {i} (Ä)", "198001012005011001", "Staf", "Bidang", 20, 0, 1.25]
        for i in range(120)
    ]
    pdf = table_pdf(
        "Rekap absensi · Dinas · November 2026", header, rows, text_columns=4
    )
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 3
    texts = [p.extract_text() for p in pages]
    assert all("Rekap absensi" in t and "Hadir" in t for t in texts)
    assert "Pegawai 0 (Ä)" in texts[0] and "Pegawai 119 (Ä)" in texts[2]
    assert "1/3" in texts[0] and "3/3" in texts[2]
    assert "1.25" in texts[1]
