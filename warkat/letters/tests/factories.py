"""A small Keerom organisation with people, users and roles, for letter tests."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from warkat.archive.models import ClassificationCode
from warkat.letters.models import Letter
from warkat.letters.samples import sample_pdf
from warkat.letters.services.registration import letter_register
from warkat.org.services.units import unit_root
from warkat.org.tests import factories as org
from warkat.tenancy.models import Tenant


def pdf_upload(name: str = "surat.pdf", text: str = "Surat uji") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample_pdf([text]), content_type="application/pdf")


def build_org(tenant: Tenant, *, prefix: str = "") -> SimpleNamespace:
    """Bupati → Sekda → Kepala Dinas → two Kabid → staff, a TU clerk, an outsider in
    the same dinas, and the head of another dinas. Each position held by one person
    with a user account (``o.users[key]``)."""
    root = unit_root(tenant=tenant)
    dinas = org.unit(
        tenant, root, name="Dinas Komunikasi dan Informatika", code=f"{prefix}KOMINFO"
    )
    bid_a = org.unit(
        tenant,
        dinas,
        kind="bidang",
        name="Bidang Aplikasi",
        code=f"{prefix}KOMINFO.APL",
    )
    bid_b = org.unit(
        tenant,
        dinas,
        kind="bidang",
        name="Bidang Statistik",
        code=f"{prefix}KOMINFO.STAT",
    )
    other = org.unit(tenant, root, name="Dinas Kesehatan", code=f"{prefix}DINKES")
    p: dict[str, Any] = {}
    p["bupati"] = org.position(
        tenant, root, name="Bupati", category="kepala_daerah", is_head=True
    )
    p["sekda"] = org.position(
        tenant, root, name="Sekretaris Daerah", category="jpt", superior=p["bupati"]
    )
    p["kadis"] = org.position(
        tenant,
        dinas,
        name="Kepala Dinas Kominfo",
        category="jpt",
        superior=p["sekda"],
        is_head=True,
    )
    p["sekdis"] = org.position(
        tenant,
        dinas,
        name="Sekretaris Dinas Kominfo",
        category="administrator",
        superior=p["kadis"],
    )
    p["kabid_a"] = org.position(
        tenant,
        bid_a,
        name="Kabid Aplikasi",
        category="administrator",
        superior=p["kadis"],
        is_head=True,
    )
    p["kabid_b"] = org.position(
        tenant,
        bid_b,
        name="Kabid Statistik",
        category="administrator",
        superior=p["kadis"],
        is_head=True,
    )
    p["staf_a"] = org.position(
        tenant,
        bid_a,
        name="Pranata Komputer",
        category="fungsional",
        superior=p["kabid_a"],
    )
    p["staf_b"] = org.position(
        tenant, bid_b, name="Statistisi", category="fungsional", superior=p["kabid_b"]
    )
    p["tu"] = org.position(
        tenant,
        dinas,
        name="Pengadministrasi Umum",
        category="pelaksana",
        superior=p["sekdis"],
    )
    p["outsider"] = org.position(
        tenant,
        dinas,
        name="Analis Kebijakan",
        category="fungsional",
        superior=p["sekdis"],
    )
    p["kadinkes"] = org.position(
        tenant,
        other,
        name="Kepala Dinas Kesehatan",
        category="jpt",
        superior=p["sekda"],
        is_head=True,
    )
    people: dict[str, Any] = {}
    users: dict[str, Any] = {}
    for key, pos in p.items():
        person = org.person(
            tenant, full_name=f"{pos.name} Orang", email=f"{prefix}{key}@keerom.invalid"
        )
        org.assignment(tenant, person, pos, start_date=dt.date(2020, 1, 1))
        people[key] = person
        roles: tuple[str, ...] = ()
        unit = None
        if key == "tu":
            roles, unit = ("tu",), dinas
        users[key] = org.user(
            tenant, *roles, unit_=unit, person_=person, username=f"{prefix}{key}"
        )
    users["admin"] = org.user(tenant, "tenant_admin", username=f"{prefix}admin")
    return SimpleNamespace(
        tenant=tenant, root=root, dinas=dinas, bid_a=bid_a, bid_b=bid_b, other=other,
        pos=SimpleNamespace(**p), people=SimpleNamespace(**people), users=SimpleNamespace(**users),
    )  # fmt: skip


def leaf_code(code: str = "000.1.1") -> ClassificationCode:
    return ClassificationCode.objects.get(code=code)


def register(o: SimpleNamespace, **kw: Any) -> Letter:
    """Register an incoming letter to the Kepala Dinas through the real service."""
    defaults: dict[str, Any] = {
        "actor": o.users.tu,
        "unit": o.dinas,
        "addressed_position": o.pos.kadis,
        "subject": "Undangan rapat koordinasi SPBE",
        "classification": leaf_code(),
        "number": f"005/{Letter.objects.count() + 1}/DISKOMINFO-PROV",
        "letter_date": dt.date(2026, 11, 2),
        "sender_institution": "Dinas Kominfo Provinsi Papua",
        "sender_name": "Kepala Dinas",
        "received_date": dt.date(2026, 11, 3),
        "files": [pdf_upload()],
    }
    defaults.update(kw)
    return letter_register(**defaults)


def client_for(user: Any) -> Any:
    """A test client signed in as ``user``."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
