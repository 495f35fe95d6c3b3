"""Writes to assignments: who holds a position, definitif, Plt or Plh, from when to when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q

from warkat.audit.services import audit_record
from warkat.org import cleaning as clean
from warkat.org import errors
from warkat.org.models import Assignment, Person, Position
from warkat.org.permissions import (
    require_manage_unit,
)
from warkat.tenancy.models import Tenant


def _overlapping(qs: Any, start: dt.date, end: dt.date | None) -> Any:
    """Assignments of ``qs`` whose period meets ``start``-``end`` (None = open)."""
    qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    return qs.filter(start_date__lte=end) if end is not None else qs


@transaction.atomic
def assignment_create(
    *,
    tenant: Tenant,
    actor: Any | None,
    person: Person,
    position: Position,
    kind: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    decree_number: str = "",
    decree_date: dt.date | None = None,
) -> Assignment:
    """Appoint ``person`` to ``position`` (definitif, Plt or Plh) for a period.

    At most one definitif holder per position at any time; the database enforces
    the same (partial unique index, and an exclusion constraint on PostgreSQL).
    """
    clean.same_tenant(person, tenant, "person")
    clean.same_tenant(position, tenant, "position")
    # Lock the position so two appointments to it are decided one after the other.
    position = (
        Position.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=position.pk, tenant=tenant)
    )
    require_manage_unit(user=actor, unit=position.unit)
    kind = clean.choice("kind", kind, Assignment.Kind.values)
    start = clean.date("start_date", start_date, required=True)
    assert start is not None
    end = clean.date("end_date", end_date)
    if end is not None and end < start:
        raise errors.dates_order()
    if not position.is_active:
        raise errors.inactive("position", position.name, "position")
    if not person.is_active:
        raise errors.inactive("person", person.display_name, "person")
    same = _overlapping(
        Assignment.objects.filter(position=position, person=person), start, end
    )
    if same.exists():
        raise errors.assignment_overlap(person.display_name, position.name)
    if kind == Assignment.Kind.DEFINITIF:
        holder = (
            _overlapping(
                Assignment.objects.filter(position=position, kind=kind), start, end
            )
            .select_related("person")
            .order_by("start_date")
            .first()
        )
        if holder is not None:
            raise errors.definitif_taken(
                position.name,
                holder.person.display_name,
                holder.start_date,
                holder.end_date or "—",
            )
    assignment = Assignment(
        tenant=tenant,
        person=person,
        position=position,
        kind=kind,
        start_date=start,
        end_date=end,
        decree_number=clean.text("decree_number", decree_number, max_len=120),
        decree_date=clean.date("decree_date", decree_date),
    )
    clean.save_unique(assignment, on_conflict=errors.definitif_overlap(position.name))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="assignment.create",
        obj=assignment,
        capacity=assignment.capacity_prefix,
        data={
            "person": person.pk,
            "position": position.pk,
            "kind": kind,
            "start_date": start,
            "end_date": end,
            "decree_number": assignment.decree_number,
        },
    )
    return assignment


@transaction.atomic
def assignment_end(
    *, assignment: Assignment, actor: Any | None, end_date: dt.date
) -> Assignment:
    """Close an open assignment on ``end_date`` (its last day); history is kept."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("position__unit")
        .get(pk=assignment.pk, tenant_id=assignment.tenant_id)
    )
    require_manage_unit(user=actor, unit=assignment.position.unit)
    end = clean.date("end_date", end_date, required=True)
    assert end is not None
    if assignment.end_date is not None:
        raise errors.assignment_ended(assignment.end_date)
    if end < assignment.start_date:
        raise errors.dates_order()
    assignment.end_date = end
    assignment.save(update_fields=["end_date"])
    audit_record(
        tenant=assignment.tenant,
        actor=actor,
        action="assignment.end",
        obj=assignment,
        data={"end_date": end},
    )
    return assignment
