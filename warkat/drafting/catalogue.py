"""The default naskah dinas catalogue (Permendagri 1/2023) each tenant starts with.

Types are seeded into the tenant's own table the first time drafting is used, so a
tenant admin can edit layouts and add types without touching the defaults here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from warkat.drafting.models import Family, Layout, NaskahType
from warkat.tenancy.models import Tenant

LAYOUT_DIR = Path(__file__).resolve().parent / "layouts"


@dataclass(frozen=True)
class TypeSpec:
    code: str
    name: str
    family: str
    layout: str
    signer_titles: bool = True
    has_event: bool = False
    internal_only: bool = False
    default_classification: str = ""


# Pasal 44: pengaturan/penetapan naskah (surat edaran) name the signer without gelar;
# penugasan, korespondensi and khusus naskah with gelar.
CATALOGUE: tuple[TypeSpec, ...] = (
    TypeSpec("surat-dinas", "Surat Dinas", Family.KORESPONDENSI, Layout.KORESPONDENSI),
    TypeSpec(
        "nota-dinas",
        "Nota Dinas",
        Family.KORESPONDENSI,
        Layout.NOTA,
        internal_only=True,
    ),
    TypeSpec("memo", "Memo", Family.KORESPONDENSI, Layout.NOTA, internal_only=True),
    TypeSpec(
        "surat-undangan",
        "Surat Undangan",
        Family.KORESPONDENSI,
        Layout.KORESPONDENSI,
        has_event=True,
    ),
    TypeSpec(
        "surat-edaran",
        "Surat Edaran",
        Family.ARAHAN,
        Layout.JUDUL,
        signer_titles=False,
        default_classification="100.3.4.2",
    ),
    TypeSpec("surat-tugas", "Surat Tugas", Family.ARAHAN, Layout.JUDUL),
    TypeSpec("surat-perintah", "Surat Perintah", Family.ARAHAN, Layout.JUDUL),
    TypeSpec("surat-keterangan", "Surat Keterangan", Family.KHUSUS, Layout.JUDUL),
    TypeSpec("berita-acara", "Berita Acara", Family.KHUSUS, Layout.JUDUL),
    TypeSpec("pengumuman", "Pengumuman", Family.KHUSUS, Layout.JUDUL),
)


@cache
def default_template(layout: str) -> str:
    return (LAYOUT_DIR / f"{layout}.html").read_text(encoding="utf-8")


def catalogue_ensure(*, tenant: Tenant) -> None:
    """Give ``tenant`` the default types it does not have yet (idempotent, safe
    under concurrency: existing codes are left untouched)."""
    if NaskahType.objects.filter(tenant=tenant).exists():
        return
    NaskahType.objects.bulk_create(
        [
            NaskahType(
                tenant=tenant,
                code=spec.code,
                name=spec.name,
                family=spec.family,
                layout=spec.layout,
                signer_titles=spec.signer_titles,
                has_event=spec.has_event,
                internal_only=spec.internal_only,
                default_classification=spec.default_classification,
                template_html=default_template(spec.layout),
            )
            for spec in CATALOGUE
        ],
        ignore_conflicts=True,
    )
