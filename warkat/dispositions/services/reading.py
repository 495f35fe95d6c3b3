"""Reading a disposition: every opening is recorded, the first moves it to read (and
settles an instruction that is only for information)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.dispositions.models import (
    Disposition,
    State,
)
from warkat.dispositions.workflow import (
    acting_capacity,
    letter_status_refresh,
    lock_disposition,
    mark_read,
    settle,
    tenant_of,
)
from warkat.letters.access import held_positions
from warkat.letters.models import Letter

_CLOSED_ON_READ = _("For information: settled when read.")


@transaction.atomic
def disposition_read(*, actor: Any, disposition: Disposition) -> Disposition:
    """Record that a holder of the recipient position opened the disposition.

    Every read is kept (``DispositionRead``); the first moves it from sent to read.
    """
    capacity = acting_capacity(actor, disposition.to_position_id)
    d = lock_disposition(disposition)
    first = d.state == State.SENT
    now = timezone.now()
    mark_read(d, actor, capacity, now)
    if first:
        if d.for_information:
            settle(d, actor=actor, capacity=capacity, note=str(_CLOSED_ON_READ), at=now)
        audit_record(
            tenant=tenant_of(d),
            actor=actor,
            action="disposition.read",
            obj=d,
            capacity=capacity,
        )
        letter_status_refresh(letter_id=d.letter_id)
    return d


def dispositions_read_on_open(*, actor: Any, letter: Letter) -> list[Disposition]:
    """The actor opened ``letter``: record a read of every live disposition of it
    addressed to a position they hold (the first read of each moves it to read)."""
    held = list(held_positions(actor))
    if not held:
        return []
    mine = Disposition.objects.filter(
        letter_id=letter.pk, to_position_id__in=held
    ).exclude(state=State.CANCELLED)
    return [disposition_read(actor=actor, disposition=d) for d in mine]
