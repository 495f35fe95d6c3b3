"""Who may see and act on a letter: the one place secrecy is decided.

A letter is fully visible to the holders (today) of its addressed position and of any
position in its disposition chain, and to the people who acted in that chain. Biasa
and Terbatas letters are also visible to the TU of the registering unit and to tenant
admins, and to a superior an overdue disposition was escalated to. Rahasia and
Sangat Rahasia letters show TU and admins only their agenda line. Inbox lists, letter
pages, downloads, exports, the API and notifications all use these functions.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from warkat.accounts.models import Role, UserRole
from warkat.dispositions.models import Disposition
from warkat.letters.models import (
    SECRET_LEVELS,
    SIGNED_STATUSES,
    Direction,
    Letter,
    LetterEvent,
)
from warkat.org.models import Assignment


class Access(enum.IntEnum):
    NONE = 0
    AGENDA_LINE = 1
    FULL = 2


def held_positions(user: Any, *, on: dt.date | None = None) -> dict[int, str]:
    """Position id → capacity (definitif/plt/plh) the user's person holds that day.

    Cached on the user object for the request so every check costs one query.
    """
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return {}
    day = on or timezone.localdate()
    cache = getattr(user, "_warkat_held", None)
    if cache is not None and cache[0] == day:
        return cache[1]
    held: dict[int, str] = {}
    rows = (
        Assignment.objects.filter(person_id=person_id, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("position_id", "kind")
    )
    order = {"definitif": 0, "plt": 1, "plh": 2}
    for position_id, kind in rows:
        if position_id not in held or order[kind] < order[held[position_id]]:
            held[position_id] = kind
    user._warkat_held = (day, held)
    return held


def tu_unit_ids(user: Any) -> set[int]:
    cache = getattr(user, "_warkat_tu_units", None)
    if cache is None:
        cache = set(
            UserRole.objects.filter(
                user_id=user.pk, role=Role.TU, unit__isnull=False
            ).values_list("unit_id", flat=True)
        )
        user._warkat_tu_units = cache
    return cache


def is_tenant_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.TENANT_ADMIN))


def chain_q(user: Any) -> Q:
    """Letters in whose chain the user stands (addressee or disposition party)."""
    held = list(held_positions(user))
    person_id = getattr(user, "person_id", None) or 0
    # A withdrawn (cancelled) disposition gives its recipient nothing.
    in_chain = (
        Disposition.objects.filter(letter=OuterRef("pk"))
        .filter(
            Q(to_position_id__in=held)
            | Q(from_position_id__in=held)
            | Q(from_person_id=person_id)
        )
        .exclude(state="cancelled")
    )
    return Q(addressed_position_id__in=held) | Q(Exists(in_chain))


def _registry_q(user: Any) -> Q:
    """Letters whose agenda book the user keeps (TU of the unit, tenant admin).
    An outgoing letter enters the register when it is signed: until then it is a
    draft, read by its drafting chain only (``warkat.drafting.selectors``)."""
    kept = Q(direction=Direction.INCOMING) | Q(status__in=SIGNED_STATUSES)
    if is_tenant_admin(user):
        return kept
    return kept & Q(unit_id__in=tu_unit_ids(user))


def letters_visible(user: Any, qs: QuerySet[Letter] | None = None) -> QuerySet[Letter]:
    """``qs`` (all letters by default) narrowed to those ``user`` may read in full."""
    qs = qs if qs is not None else Letter.objects.all()
    held = list(held_positions(user))
    escalated = LetterEvent.objects.filter(
        letter=OuterRef("pk"), kind="escalated", position_id__in=held
    )
    open_q = ~Q(security__in=SECRET_LEVELS) & (_registry_q(user) | Q(Exists(escalated)))
    return qs.filter(chain_q(user) | open_q)


def visibility_key(user: Any) -> tuple[Any, ...]:
    """Everything the condition of ``letters_visible`` is made of for ``user``
    today: its SQL is the same for two calls with the same key (in the same tenant
    scope), so a caller may keep the compiled statement under it. Change this
    with ``chain_q`` and ``_registry_q``."""
    admin = is_tenant_admin(user)
    return (
        user.pk,
        getattr(user, "person_id", None) or 0,
        tuple(held_positions(user)),
        admin,
        () if admin else tuple(sorted(tu_unit_ids(user))),
    )


def letters_listed(user: Any, qs: QuerySet[Letter] | None = None) -> QuerySet[Letter]:
    """Letters that appear to ``user`` at least as an agenda line."""
    qs = qs if qs is not None else Letter.objects.all()
    return qs.filter(chain_q(user) | _registry_q(user))


def in_chain_annotation(user: Any) -> ExpressionWrapper:
    """``chain_q`` as a boolean column, so the letter and the common access answer
    come in one query (``letter_access`` reads it as ``user_in_chain``)."""
    return ExpressionWrapper(chain_q(user), output_field=BooleanField())


def letter_access(user: Any, letter: Letter) -> Access:
    # The common case first: a party to the letter, decided without reading roles
    # (and without a query when the letter was fetched with ``in_chain_annotation``).
    in_chain = getattr(letter, "user_in_chain", None)
    if in_chain is None:
        in_chain = Letter.objects.filter(chain_q(user), pk=letter.pk).exists()
    if in_chain:
        return Access.FULL
    if letters_visible(user, Letter.objects.filter(pk=letter.pk)).exists():
        return Access.FULL
    if letters_listed(user, Letter.objects.filter(pk=letter.pk)).exists():
        return Access.AGENDA_LINE
    return Access.NONE


def person_may_see(
    *, person_id: int, letter: Letter, on: dt.date | None = None
) -> bool:
    """Whether a person (not necessarily signed in) is in the letter's chain; used
    when composing notifications."""
    day = on or timezone.localdate()
    held = list(
        Assignment.objects.filter(person_id=person_id, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("position_id", flat=True)
    )
    if letter.addressed_position_id in held:
        return True
    return (
        Disposition.objects.filter(letter=letter)
        .filter(
            Q(to_position_id__in=held)
            | Q(from_position_id__in=held)
            | Q(from_person_id=person_id)
        )
        .exclude(state="cancelled")
        .exists()
    )
