"""Field cleaning shared by the organisation's services: text, codes, choices,
e-mail, phone and dates, each failing with a domain error that names the field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from warkat.core.errors import DomainError
from warkat.org import errors
from warkat.tenancy.models import Tenant

_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]*$")
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,30}$")


def text(field: str, value: Any, *, max_len: int, required: bool = False) -> str:
    cleaned = " ".join(str(value or "").split())
    if required and not cleaned:
        raise errors.required(field)
    if len(cleaned) > max_len:
        raise errors.too_long(field, max_len)
    return cleaned


def code(field: str, value: Any, *, max_len: int) -> str:
    cleaned = text(field, value, max_len=max_len, required=True).upper()
    if not _CODE_RE.match(cleaned):
        raise errors.bad_code(field, cleaned)
    return cleaned


def choice(field: str, value: Any, choices: list[str], *, blank: bool = False) -> str:
    cleaned = str(value or "").strip()
    if blank and not cleaned:
        return ""
    if cleaned not in choices:
        raise errors.bad_choice(field, cleaned, choices)
    return cleaned


def email(value: Any) -> str:
    cleaned = str(value or "").strip()
    if cleaned:
        if len(cleaned) > 254:
            raise errors.too_long("email", 254)
        try:
            validate_email(cleaned)
        except DjangoValidationError:
            raise errors.bad_email("email", cleaned) from None
    return cleaned


def phone(value: Any) -> str:
    cleaned = str(value or "").strip()
    if cleaned and not _PHONE_RE.match(cleaned):
        raise errors.bad_phone("phone", cleaned)
    return cleaned


def date(field: str, value: Any, *, required: bool = False) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise errors.required(field)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise errors.bad_date(field, value) from None


def same_tenant(obj: Any, tenant: Tenant, field: str) -> None:
    if obj is not None and obj.tenant_id != tenant.pk:
        raise errors.other_tenant(field)


def changes(obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Fields whose value differs, as ``{field: (old, new)}``; applies them."""
    changed = {}
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            changed[field] = (old, new)
            setattr(obj, field, new)
    return changed


def audit_changes(changed: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return getattr(value, "pk", value)

    return {f: [plain(old), plain(new)] for f, (old, new) in changed.items()}


def check_fields(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    for name in fields:
        if name not in allowed:
            raise errors.unknown_field(name)


def save_unique(obj: Any, *, on_conflict: DomainError, **save_kwargs: Any) -> None:
    """Save; a unique-constraint race becomes ``on_conflict`` instead of a 500."""
    try:
        with transaction.atomic():
            obj.save(**save_kwargs)
    except IntegrityError:
        raise on_conflict from None
