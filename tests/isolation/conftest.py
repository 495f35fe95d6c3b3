"""Two tenants full of data, each with a marker string in every human-readable text
field: Kabupaten Keerom (the caller) and Kabupaten Gorontalo (the other Pemda)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from warkat.audit.services import audit_record
from warkat.tenancy.models import Tenant, TenantOwned
from warkat.tenancy.scope import all_tenants, tenant_scope

KEEROM_MARKER = "Krmqx"
GORONTALO_MARKER = "Gtoqx"

#: Text fields that carry names, subjects and notes: the marker is appended to each.
#: Fields with fixed vocabularies (codes, kinds, states) are left alone.
MARKED_FIELDS = frozenset(
    {
        "name",
        "full_name",
        "subject",
        "summary",
        "note",
        "text",
        "label",
        "sender_institution",
        "sender_name",
        "title",
        "body",
        "description",
        "address",
        "original_name",
        "state_note",
        "first_name",
    }
)


@dataclass
class TenantData:
    tenant: Tenant
    marker: str
    users: dict[str, Any] = field(default_factory=dict)
    # Model label → one of this tenant's objects (see routes.value_of).
    values: dict[str, Any] = field(default_factory=dict)


def _load(tenant: Tenant, *, demo_accounts: bool) -> None:
    """The demo organisation, accounts and letters in ``tenant``.

    Demo usernames are Keerom's (NIPs among them, which the other tenant's demo
    people share), so the other tenant gets its own accounts for the same people.
    """
    from warkat.demo.accounts import demo_accounts_load
    from warkat.demo.archive import demo_archive_load
    from warkat.demo.attendance import demo_attendance_load
    from warkat.demo.drafting import demo_drafting_load
    from warkat.demo.letters import demo_letters_load
    from warkat.demo.management.commands.demo_load import letter_actors
    from warkat.demo.organisation import demo_org_load
    from warkat.demo.service_accounts import demo_service_account_load
    from warkat.demo.sso import demo_sso_load
    from warkat.demo.webhooks import demo_webhooks_load

    with tenant_scope(tenant):
        people = demo_org_load(tenant=tenant)["people"]
        if demo_accounts:
            demo_accounts_load(tenant=tenant, people=people)
        else:
            _users(tenant, people)
        demo_letters_load(tenant=tenant, people=letter_actors(people))
        demo_webhooks_load(tenant=tenant)
        demo_drafting_load(tenant=tenant, people=people)
        demo_attendance_load(tenant=tenant, people=people, days=7)
        demo_archive_load(tenant=tenant, people=people)
        demo_sso_load(tenant=tenant)
        demo_service_account_load(tenant=tenant)
        _beyond_the_demo(tenant)


def _beyond_the_demo(tenant: Tenant) -> None:
    """Objects the demo does not make but some routes serve: a follow-up with a
    file, a signer's certificate request, a local holiday, a reserved number."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from warkat.accounts.models import User
    from warkat.dispositions.models import Disposition
    from warkat.dispositions.services.followup import followup_create
    from warkat.dispositions.settings_services import holiday_add
    from warkat.drafting.catalogue import catalogue_ensure
    from warkat.drafting.models import NaskahType
    from warkat.drafting.register import number_reserve
    from warkat.letters.samples import sample_pdf
    from warkat.org.models import Unit
    from warkat.org.selectors import position_holders
    from warkat.signing.services import certificate_request

    def user_of(position: Any) -> Any:
        for held in position_holders(position=position):
            user = User.objects.filter(person=held.person).first()
            if user is not None:
                return user
        return None

    disposition = next(
        d
        for d in Disposition.objects.filter(state="read").order_by("pk")
        if user_of(d.to_position) is not None
    )
    followup_create(
        actor=user_of(disposition.to_position),
        disposition=disposition,
        text="Laporan tindak lanjut",
        files=[SimpleUploadedFile("laporan.pdf", sample_pdf(["Laporan"]))],
    )
    signer = User.objects.filter(tenant=tenant, username__startswith="sekda.").get()
    certificate_request(tenant=tenant, user=signer, passphrase="Isolasi-Uji-2026-kunci")
    admin = User.objects.filter(tenant=tenant, username__startswith="admin.").get()
    holiday_add(
        actor=admin, tenant=tenant, date=dt.date(2026, 12, 1), name="Hari Jadi Daerah"
    )
    tu = User.objects.filter(tenant=tenant, username__startswith="tu.setda.").get()
    catalogue_ensure(tenant=tenant)
    number_reserve(
        actor=tu,
        unit=Unit.objects.get(code="SETDA"),
        naskah_type=NaskahType.objects.order_by("pk").first(),
        subject="Nomor cadangan surat kertas",
    )


def _users(tenant: Tenant, people: dict[str, Any]) -> None:
    from warkat.accounts.services import password_generate, user_create
    from warkat.org.models import Unit

    setda = Unit.objects.get(code="SETDA")
    for key, roles in (
        ("admin", [("tenant_admin", None)]),
        ("staf_kominfo", [("staf", None)]),
        ("tu_setda", [("tu", setda), ("staf", None)]),
        ("sekda", [("pimpinan", None)]),
        ("asisten1", [("pimpinan", None)]),
        ("asisten3", [("pimpinan", None)]),
        ("kabag_pem", [("pimpinan", None)]),
    ):
        user_create(
            tenant=tenant,
            actor=None,
            username=f"{key.replace('_', '.')}.{tenant.slug}",
            person=people[key],
            password=password_generate(),
            roles=roles,
        )


def _mark(tenant: Tenant, marker: str) -> None:
    """Append ``marker_<model>`` ("Gtoqx_person") to every marked text field of every
    row of ``tenant``, so a leak names the kind of object that leaked."""
    from warkat.accounts.models import User

    # Audit events are append-only (a trigger refuses updates on PostgreSQL): the
    # tenant gets a new, marked event instead.
    targets = [
        m
        for m in apps.get_models()
        if issubclass(m, TenantOwned) and m._meta.app_label != "audit"
    ] + [User]
    with all_tenants():
        for model in targets:
            text_fields = [
                f
                for f in model._meta.concrete_fields
                if f.name in MARKED_FIELDS
                and isinstance(f, models.CharField | models.TextField)
                and not f.choices
            ]
            if not text_fields:
                continue
            manager = model._base_manager
            rows = list(manager.filter(tenant=tenant))
            tag = f"{marker}_{model._meta.model_name}"
            for row in rows:
                for f in text_fields:
                    value = getattr(row, f.attname) or ""
                    limit = f.max_length or 10_000
                    setattr(row, f.attname, f"{value[: limit - len(tag) - 1]} {tag}")
            if rows:
                manager.bulk_update(rows, [f.name for f in text_fields])
    with tenant_scope(tenant):
        audit_record(
            tenant=tenant,
            actor=None,
            action="isolation.marked",
            data={"note": f"{marker}_auditevent"},
        )


def _values(tenant: Tenant) -> dict[str, Any]:
    """For every model, the first of ``tenant``'s objects (model label → object);
    shared reference tables (no tenant column) give their first row."""
    values: dict[str, Any] = {"tenancy.Tenant": tenant}
    with all_tenants():
        for model in apps.get_models():
            if model is Tenant:
                continue
            manager = model._base_manager
            if any(f.name == "tenant" for f in model._meta.concrete_fields):
                manager = manager.filter(tenant=tenant)
            obj = manager.order_by("pk").first()
            if obj is not None:
                values[model._meta.label] = obj
    return values


@pytest.fixture
def two_tenants(
    db: Any, django_capture_on_commit_callbacks: Any
) -> tuple[TenantData, TenantData]:
    from warkat.demo.search import demo_search_index
    from warkat.tenancy.services import tenant_create

    keerom = tenant_create(region_code="91.11", actor=None)
    gorontalo = tenant_create(region_code="75.01", actor=None)
    # Notifications and other after-commit work happen as in production.
    with django_capture_on_commit_callbacks(execute=True):
        _load(keerom, demo_accounts=True)
        _load(gorontalo, demo_accounts=False)
    _mark(keerom, KEEROM_MARKER)
    _mark(gorontalo, GORONTALO_MARKER)
    # The search index holds the marked texts too, so a search that crossed tenants
    # would show the other tenant's marker.
    for tenant in (keerom, gorontalo):
        with tenant_scope(tenant):
            demo_search_index(tenant=tenant)
    return (
        TenantData(keerom, KEEROM_MARKER, values=_values(keerom)),
        TenantData(gorontalo, GORONTALO_MARKER, values=_values(gorontalo)),
    )
