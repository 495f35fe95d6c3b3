"""Reads of letters from outside: the TU's queue, one item, the mailboxes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from warkat.intake import errors
from warkat.intake.models import InboundItem, Mailbox
from warkat.letters.access import is_tenant_admin, tu_unit_ids


def may_use_queue(*, user: Any) -> bool:
    return is_tenant_admin(user) or bool(tu_unit_ids(user))


def items_for_user(*, user: Any, state: str = "") -> QuerySet[InboundItem]:
    """Items of the units whose TU ``user`` is (every unit for a tenant admin)."""
    qs = InboundItem.objects.select_related("unit")
    if not is_tenant_admin(user):
        qs = qs.filter(unit_id__in=tu_unit_ids(user))
    if state:
        qs = qs.filter(state=state)
    return qs


def item_for_user(*, user: Any, item_id: int) -> InboundItem:
    item = items_for_user(user=user).filter(pk=item_id).first()
    if item is None:
        raise errors.item_not_found()
    return item


def mailboxes_for_admin(*, user: Any) -> QuerySet[Mailbox]:
    if not is_tenant_admin(user):
        return Mailbox.objects.none()
    return Mailbox.objects.select_related("unit").order_by("unit__name")
