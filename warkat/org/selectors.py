"""Reads of the organisation that are more than a ``get``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from warkat.org.models import Assignment, Person, Position


def _today() -> dt.date:
    return timezone.localdate()


def _active_on(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


_KIND_ORDER = Case(
    When(kind=Assignment.Kind.DEFINITIF, then=Value(0)),
    When(kind=Assignment.Kind.PLT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def position_holders(
    *, position: Position, on: dt.date | None = None
) -> QuerySet[Assignment]:
    """Who holds ``position`` on day ``on`` (today in the tenant's zone by default).

    Definitif first, then Plt, then Plh. The one selector every feature uses to
    turn a position into the people who may act for it.
    """
    day = on or _today()
    return (
        Assignment.objects.filter(_active_on(day), position=position)
        .select_related("person")
        .order_by(_KIND_ORDER, "start_date", "pk")
    )


def positions_held(
    *, person: Person, on: dt.date | None = None
) -> QuerySet[Assignment]:
    """The assignments ``person`` holds on day ``on`` (definitif first)."""
    day = on or _today()
    return (
        Assignment.objects.filter(_active_on(day), person=person)
        .select_related("position", "position__unit")
        .order_by(_KIND_ORDER, "start_date", "pk")
    )


def holds_position(
    *, person: Person, position: Position, on: dt.date | None = None
) -> Assignment | None:
    """The assignment through which ``person`` holds ``position`` that day, if any."""
    day = on or _today()
    return (
        Assignment.objects.filter(_active_on(day), person=person, position=position)
        .order_by(_KIND_ORDER, "start_date", "pk")
        .first()
    )
