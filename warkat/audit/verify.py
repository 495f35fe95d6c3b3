"""Verifying a tenant's audit chain: the first altered, reordered or missing event."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from warkat.audit.models import AuditChainHead, AuditEvent
from warkat.audit.services import GENESIS, event_hash
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

ALTERED = "altered"
REORDERED = "reordered"
MISSING = "missing"

PROBLEM_TEXT = {
    # The event's content no longer gives its stored hash.
    ALTERED: _("The event was altered: its content does not match its hash."),
    # Its link does not point at the event before it.
    REORDERED: _(
        "The chain is broken here: the event does not follow the one before it "
        "(reordered or replaced)."
    ),
    MISSING: _("An event is missing: the sequence has a gap."),
}

_CHUNK = 2000
#: The event a tenant import appends (``warkat.backup``): only the events before
#: one may carry ``origin`` (the ids they were hashed with elsewhere).
IMPORT_ACTION = "tenant.import"


@dataclass
class ChainProblem:
    seq: int
    kind: str

    @property
    def text(self) -> str:
        return str(PROBLEM_TEXT[self.kind])


@dataclass
class ChainReport:
    tenant: Tenant
    checked: int = 0
    last_seq: int = 0
    problem: ChainProblem | None = field(default=None)

    @property
    def ok(self) -> bool:
        return self.problem is None


def audit_chain_verify(*, tenant: Tenant) -> ChainReport:
    """Walk ``tenant``'s chain in sequence order (streaming) and recompute each hash.

    Stops at the first problem: a gap in the sequence (a deleted event), an event
    whose content does not give its hash (altered), or an event whose link does not
    point at its predecessor (reordered or spliced). The chain head, kept apart,
    also catches events deleted from the end.
    """
    report = ChainReport(tenant=tenant)
    with tenant_scope(tenant):
        head = AuditChainHead.objects.filter(tenant=tenant).first()
        expected_prev = GENESIS
        expected_seq = 1
        # The first event since the last import that claims other hashed ids: an
        # event recorded here never has any, so ``origin`` cannot hide a changed
        # actor or object id outside what an import brought.
        stray_origin: int | None = None
        events = (
            AuditEvent.objects.filter(tenant=tenant)
            .order_by("seq")
            .iterator(chunk_size=_CHUNK)
        )
        for event in events:
            if event.seq != expected_seq:
                report.problem = ChainProblem(seq=expected_seq, kind=MISSING)
                return report
            if event_hash(prev_hash=event.prev_hash, event=event) != event.hash:
                report.problem = ChainProblem(seq=event.seq, kind=ALTERED)
                return report
            if event.prev_hash != expected_prev:
                report.problem = ChainProblem(seq=event.seq, kind=REORDERED)
                return report
            if event.action == IMPORT_ACTION:
                stray_origin = None
            elif event.origin and stray_origin is None:
                stray_origin = event.seq
            report.checked += 1
            report.last_seq = event.seq
            expected_prev = event.hash
            expected_seq += 1
        head_seq = head.seq if head else 0
        if stray_origin is not None:
            report.problem = ChainProblem(seq=stray_origin, kind=ALTERED)
        elif head_seq > report.last_seq:
            report.problem = ChainProblem(seq=report.last_seq + 1, kind=MISSING)
        elif head is not None and head_seq and head.last_hash != expected_prev:
            report.problem = ChainProblem(seq=report.last_seq, kind=ALTERED)
    return report
