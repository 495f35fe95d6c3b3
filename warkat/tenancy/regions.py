"""Kemendagri region codes (``data/wilayah.csv``), read on demand.

The file has ~92k rows; a tenant needs only its own subtree, so it is streamed and
filtered rather than loaded into a table.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: str  # provinsi, kabupaten_kota, kecamatan, desa_kelurahan
    kind: str  # provinsi, kabupaten, kota, kecamatan, desa, kelurahan
    parent_code: str


def _path() -> str:
    return str(settings.REFERENCE_DATA_DIR / "wilayah.csv")


def _read(prefix: str | None = None) -> list[Region]:
    with open(_path(), encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return [
            Region(r["kode"], r["nama"], r["tingkat"], r["jenis"], r["induk"])
            for r in rows
            if prefix is None
            or r["kode"] == prefix
            or r["kode"].startswith(prefix + ".")
        ]


@lru_cache(maxsize=64)
def region_subtree(code: str) -> tuple[Region, ...]:
    """The region with ``code`` and all its descendants, in file order."""
    return tuple(_read(code))


def region_get(code: str) -> Region | None:
    for region in region_subtree(code):
        if region.code == code:
            return region
    return None


# Time zone by province code (Perpres 41/1987 zones).
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}


def region_time_zone(code: str) -> str:
    province = code.split(".")[0]
    if province in _WITA:
        return "Asia/Makassar"
    if province.startswith(("8", "9")):
        return "Asia/Jayapura"
    return "Asia/Jakarta"


def region_is_papua(code: str) -> bool:
    """Papua's six provinces (and Papua Barat) use distrik and kampung."""
    return code.split(".")[0].startswith("9")
