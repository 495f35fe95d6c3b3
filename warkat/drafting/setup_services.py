"""Tenant-admin writes of drafting settings: naskah types and their layouts, each
unit's kop, and number formats."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from warkat.accounts.models import Role
from warkat.audit.services import audit_record
from warkat.drafting import errors
from warkat.drafting.catalogue import catalogue_ensure, default_template
from warkat.drafting.models import Family, Kop, Layout, NaskahType, NumberFormat
from warkat.drafting.numbering import pattern_parse
from warkat.drafting.render import template_check
from warkat.letters.files import Upload, file_check, stored_files_guard
from warkat.org.models import Unit
from warkat.tenancy.models import Tenant


def _require_admin(actor: Any) -> None:
    if not (
        actor is not None
        and actor.is_authenticated
        and actor.has_role(Role.TENANT_ADMIN)
    ):
        raise errors.not_admin()


@transaction.atomic
def naskah_type_save(
    *,
    actor: Any,
    tenant: Tenant,
    naskah_type: NaskahType | None,
    code: str,
    name: str,
    family: str,
    layout: str,
    template_html: str,
    template_css: str = "",
    signer_titles: bool = True,
    has_event: bool = False,
    internal_only: bool = False,
    default_classification: str = "",
    is_active: bool = True,
) -> NaskahType:
    """Create (``naskah_type`` None) or change a naskah type. An empty template
    takes the layout's default; a template that does not compile is refused."""
    _require_admin(actor)
    catalogue_ensure(tenant=tenant)
    if family not in Family.values or layout not in Layout.values:
        raise errors.invalid("type_choice", _("Unknown family or layout."), "layout")
    if not name.strip():
        raise errors.invalid("type_name", _("The name is required."), "name")
    source = template_html.strip() or default_template(layout)
    template_check(source)
    if len(template_css) > 20_000:
        raise errors.invalid("css_long", _("The style is too long."), "template_css")
    row = naskah_type or NaskahType(tenant=tenant)
    if naskah_type is None:
        from django.utils.text import slugify

        slug = slugify(code or name)[:40]
        if not slug or NaskahType.objects.filter(code=slug).exists():
            raise errors.invalid(
                "type_code", _("Choose another code; this one is taken."), "code"
            )
        row.code = slug
    row.name = name.strip()[:120]
    row.family = family
    row.layout = layout
    row.template_html = source
    row.template_css = template_css
    row.signer_titles = signer_titles
    row.has_event = has_event
    row.internal_only = internal_only
    row.default_classification = default_classification.strip()[:40]
    row.is_active = is_active
    row.save()
    audit_record(
        tenant=tenant, actor=actor, action="drafting.naskah_type_save", obj=row,
        data={"code": row.code, "created": naskah_type is None},
    )  # fmt: skip
    return row


def kop_save(
    *,
    actor: Any,
    unit: Unit,
    government_line: str,
    name: str,
    address: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    logo: Upload | None = None,
    remove_logo: bool = False,
) -> Kop:
    """Set a unit's letterhead; the logo must be a real PNG or JPG."""
    _require_admin(actor)
    if not government_line.strip() or not name.strip():
        raise errors.invalid(
            "kop_required", _("The government line and the name are required."), "name"
        )
    checked = file_check(upload=logo) if logo is not None else None
    if checked is not None and checked.content_type not in {"image/png", "image/jpeg"}:
        raise errors.invalid(
            "kop_logo", _("The logo must be a PNG or JPG image."), "logo"
        )
    with stored_files_guard() as stored:
        logo_name = (
            stored.store(tenant_id=unit.tenant_id, checked=checked) if checked else ""
        )
        with transaction.atomic():
            kop = Kop.objects.select_for_update().filter(unit=unit).first() or Kop(
                tenant_id=unit.tenant_id, unit=unit
            )
            kop.government_line = government_line.strip()[:200]
            kop.name = name.strip()[:300]
            kop.address = address.strip()[:300]
            kop.phone = phone.strip()[:60]
            kop.email = email.strip()[:254]
            kop.website = website.strip()[:200]
            if checked is not None:
                kop.logo_storage_name = logo_name
                kop.logo_content_type = checked.content_type
            elif remove_logo:
                kop.logo_storage_name = ""
                kop.logo_content_type = ""
            kop.save()
            audit_record(
                tenant=unit.tenant, actor=actor, action="drafting.kop_save", obj=kop,
                data={"unit": unit.code, "logo": bool(kop.logo_storage_name)},
            )  # fmt: skip
    return kop


@transaction.atomic
def number_format_save(
    *, actor: Any, tenant: Tenant, naskah_type: NaskahType | None, pattern: str
) -> NumberFormat | None:
    """Set the number format of a type (None: the tenant default). An empty pattern
    removes the type's own format, so the default applies again."""
    _require_admin(actor)
    existing = (
        NumberFormat.objects.select_for_update().filter(naskah_type=naskah_type).first()
    )
    if not pattern.strip():
        if existing is not None and naskah_type is not None:
            existing.delete()
            audit_record(tenant=tenant, actor=actor, action="drafting.number_format_reset",
                         obj=naskah_type, data={})  # fmt: skip
        return None
    pattern_parse(pattern.strip())
    row = existing or NumberFormat(tenant=tenant, naskah_type=naskah_type)
    row.pattern = pattern.strip()
    row.save()
    audit_record(
        tenant=tenant, actor=actor, action="drafting.number_format_save", obj=row,
        data={"pattern": row.pattern, "type": naskah_type.code if naskah_type else ""},
    )  # fmt: skip
    return row
