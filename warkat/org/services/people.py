"""Writes to people (pegawai): created and updated, with their NIP checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction

from warkat.audit.services import audit_record
from warkat.org import cleaning as clean
from warkat.org import errors
from warkat.org.models import Assignment, Person
from warkat.org.nip import PNS_RANKS, PPPK_RANKS, nip_parse
from warkat.org.permissions import (
    require_org_admin,
)
from warkat.tenancy.models import Tenant

_PERSON_FIELDS = frozenset(
    {
        "full_name", "employee_type", "nip", "front_title", "back_title", "rank",
        "email", "phone", "sex", "birth_date", "is_active",
    }
)  # fmt: skip
_HAS_NIP = frozenset({Person.EmployeeType.PNS, Person.EmployeeType.PPPK})


def _person_values(fields: dict[str, Any]) -> dict[str, Any]:
    cleaners: dict[str, Callable[[Any], Any]] = {
        "full_name": lambda v: clean.text("full_name", v, max_len=200, required=True),
        "employee_type": lambda v: clean.choice(
            "employee_type", v, Person.EmployeeType.values
        ),
        "nip": lambda v: "".join(str(v or "").split()) or None,
        "front_title": lambda v: clean.text("front_title", v, max_len=60),
        "back_title": lambda v: clean.text("back_title", v, max_len=60),
        "rank": lambda v: clean.text("rank", v, max_len=8),
        "email": clean.email,
        "phone": clean.phone,
        "sex": lambda v: clean.choice("sex", v, Person.Sex.values, blank=True),
        "birth_date": lambda v: clean.date("birth_date", v),
        "is_active": bool,
    }
    return {k: cleaners[k](v) for k, v in fields.items()}


def _person_check(person: Person) -> None:
    """NIP matches the employee type (and gives birth date and sex); rank fits;
    NIP unique in the tenant."""
    kind = person.employee_type
    if kind in _HAS_NIP:
        if not person.nip:
            raise errors.nip_required(str(Person.EmployeeType(kind).label))
        info = nip_parse(person.nip, employee_type=kind)
        person.nip = info.nip
        person.birth_date = info.birth_date
        person.sex = info.sex
        allowed = (
            list(PNS_RANKS) if kind == Person.EmployeeType.PNS else list(PPPK_RANKS)
        )
        if person.rank and person.rank not in allowed:
            raise errors.rank_invalid(person.rank, kind.upper(), allowed)
    else:
        if person.nip:
            raise errors.nip_not_allowed(str(Person.EmployeeType(kind).label))
        if person.rank:
            raise errors.rank_invalid(
                person.rank, str(Person.EmployeeType(kind).label), []
            )
    if person.nip:
        other = (
            Person.objects.filter(tenant_id=person.tenant_id, nip=person.nip)
            .exclude(pk=person.pk)
            .first()
        )
        if other is not None:
            raise errors.nip_duplicate(person.nip, other.display_name)


def _person_save(person: Person) -> None:
    _person_check(person)
    clean.save_unique(
        person, on_conflict=errors.nip_duplicate(person.nip or "", person.full_name)
    )


@transaction.atomic
def person_create(
    *,
    tenant: Tenant,
    actor: Any | None,
    full_name: str,
    employee_type: str,
    nip: str | None = None,
    front_title: str = "",
    back_title: str = "",
    rank: str = "",
    email: str = "",
    phone: str = "",
    sex: str = "",
    birth_date: dt.date | None = None,
) -> Person:
    """Register a pegawai. For PNS/PPPK the NIP is validated and gives birth date
    and sex; others (non-ASN, political officials) have no NIP."""
    require_org_admin(user=actor, tenant=tenant)
    values = _person_values(
        {
            "full_name": full_name, "employee_type": employee_type, "nip": nip,
            "front_title": front_title, "back_title": back_title, "rank": rank,
            "email": email, "phone": phone, "sex": sex, "birth_date": birth_date,
        }
    )  # fmt: skip
    person = Person(tenant=tenant, **values)
    _person_save(person)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="person.create",
        obj=person,
        data={"nip": person.nip, "employee_type": person.employee_type},
    )
    return person


def _require_manage_person(actor: Any | None, person: Person) -> None:
    """A unit admin may edit only people who hold, or held, a position in their
    subtree, or who hold none yet (just registered)."""
    if actor is None:
        return
    require_org_admin(user=actor, tenant=person.tenant)
    from warkat.org.permissions import EVERYWHERE, admin_paths

    paths = admin_paths(user=actor)
    if paths == EVERYWHERE:
        return
    units = list(
        Assignment.objects.filter(person=person).values_list(
            "position__unit__path", flat=True
        )
    )
    if units and not any(u.startswith(p) for u in units for p in paths):
        raise errors.forbidden_unit(person.display_name)


@transaction.atomic
def person_update(*, person: Person, actor: Any | None, **fields: Any) -> Person:
    """Change a person's data; a new NIP or employee type is validated again."""
    clean.check_fields(fields, _PERSON_FIELDS)
    person = Person.objects.select_for_update().get(
        pk=person.pk, tenant_id=person.tenant_id
    )
    _require_manage_person(actor, person)
    changed = clean.changes(person, _person_values(fields))
    if not changed:
        return person
    _person_save(person)
    audit_record(
        tenant=person.tenant,
        actor=actor,
        action="person.update",
        obj=person,
        data=clean.audit_changes(changed),
    )
    return person
