"""Loading the national classification list from ``data/klasifikasi-arsip.csv``."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.conf import settings

CSV_NAME = "klasifikasi-arsip.csv"


def read_rows(path: Path | None = None) -> list[dict[str, str]]:
    path = path or Path(settings.REFERENCE_DATA_DIR) / CSV_NAME
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_codes(model: Any, rows: list[dict[str, str]]) -> int:
    """Insert or update ``rows`` into ``model`` (the real or the historical model).

    Parents come before children in the file's level order, so each parent id is
    known when its children are written. Returns the number of rows written.
    """
    by_code: dict[str, Any] = {c.code: c for c in model.objects.all()}
    for row in sorted(rows, key=lambda r: int(r["level"])):
        parent = by_code.get(row["induk"]) if row["induk"] else None
        fields = {
            "name": row["nama"].strip(),
            "parent": parent,
            "level": int(row["level"]),
            "retention_active_years": _int(row["retensi_aktif_tahun"]),
            "retention_inactive_years": _int(row["retensi_inaktif_tahun"]),
            "final_disposition": row["nasib_akhir"].strip(),
            "retention_note": row["keterangan_retensi"].strip()[:300],
        }
        obj = by_code.get(row["kode"])
        if obj is None:
            obj = model.objects.create(code=row["kode"], **fields)
            by_code[obj.code] = obj
        else:
            for key, value in fields.items():
                setattr(obj, key, value)
            obj.save()
    return len(rows)


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value else None
