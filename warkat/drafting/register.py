"""The number register: the letter's date, reservations for paper letters, voids,
and the numbers of signings that failed or never finished (see ``sending``).
Every taken sequence keeps its entry, so the register has no gap."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.drafting import errors
from warkat.drafting.models import Draft, NaskahType, NumberCounter, NumberEntry
from warkat.drafting.numbering import (
    NumberContext,
    counter_next,
    number_render,
    pattern_for,
    pattern_parse,
)
from warkat.drafting.workflow import lock_draft
from warkat.letters.access import is_tenant_admin, tu_unit_ids
from warkat.letters.models import Letter
from warkat.org.models import Unit
from warkat.tenancy.clock import tenant_localdate
from warkat.tenancy.models import Tenant

log = logging.getLogger(__name__)


def tenant_today(tenant: Tenant) -> dt.date:
    """Today in the Pemda's own time zone (WIB/WITA/WIT): the letter's date."""
    return tenant_localdate(tenant)


def entry_day(entry: NumberEntry, tenant: Tenant) -> dt.date:
    return tenant_localdate(tenant, entry.taken_at)


def may_manage_register(user: Any, unit: Unit) -> bool:
    return is_tenant_admin(user) or unit.pk in tu_unit_ids(user)


def number_give_back(*, draft: Draft, entry_id: int) -> bool:
    """After a signing failed (TSA down, ...): give its number back to the counter
    if no later number was taken meanwhile, as if it had never been taken; else it
    stays *being signed* for a retry (or the sweep). Never raises."""
    try:
        with transaction.atomic():
            lock_draft(draft)  # the order of step 1: draft → letter → counter → entry
            Letter.objects.select_for_update().filter(pk=draft.letter_id).first()
            entry = (
                NumberEntry.objects.filter(
                    pk=entry_id, kind=NumberEntry.Kind.PENDING, voided_at__isnull=True
                )
                .select_related("tenant")
                .first()
            )
            if entry is None:  # signed by a concurrent attempt, or voided
                return False
            counter = NumberCounter.objects.select_for_update().get(
                unit_id=entry.unit_id, naskah_type_id=entry.naskah_type_id,
                year=entry.year,
            )  # fmt: skip
            entry = NumberEntry.objects.select_for_update().get(pk=entry.pk)
            if counter.last_number != entry.sequence:
                return False
            counter.last_number -= 1
            counter.save(update_fields=["last_number"])
            audit_record(tenant=entry.tenant, actor=None,
                         action="drafting.number_give_back", obj=draft.letter,
                         data={"number": entry.number, "sequence": entry.sequence})  # fmt: skip
            entry.delete()
            return True
    except Exception:
        log.exception("giving back the number of letter %s failed", draft.letter_id)
        return False


#: Stored in the register (in the Pemda's language) when a signing never finished.
PENDING_STALE_REASON = "Penandatanganan tidak selesai; nomor tidak dipakai."


def pending_void(*, entry: NumberEntry, reason: str) -> None:
    """Void a number whose signing never finished (inside the caller's transaction,
    with the entry locked). The entry stays in the register, so there is no gap;
    it lets go of the letter, which takes a new number when it is signed."""
    letter = entry.letter
    if letter is not None and letter.is_secret:
        # The register hides a secret letter's subject by looking at the letter,
        # which the entry no longer points at: do not keep the subject either.
        entry.subject = ""
    entry.voided_at = timezone.now()
    entry.void_reason = reason
    entry.letter = None
    entry.save(update_fields=["voided_at", "void_reason", "letter", "subject"])
    audit_record(tenant=entry.tenant, actor=None, action="drafting.number_void",
                 obj=entry, data={"number": entry.number, "reason": reason})  # fmt: skip


@transaction.atomic
def number_reserve(
    *,
    actor: Any,
    unit: Unit,
    naskah_type: NaskahType,
    subject: str,
    classification_code: str = "",
    security: str = "biasa",
) -> NumberEntry:
    """TU takes the next number for a paper letter (e.g. during an outage). The
    number is in the same sequence as signed letters, so the register stays gap-free."""
    if not may_manage_register(actor, unit):
        raise errors.not_tu()
    if not subject.strip():
        raise errors.invalid(
            "subject_required", _("The subject (hal) is required."), "subject"
        )
    if naskah_type.tenant_id != unit.tenant_id:
        raise errors.invalid(
            "type_invalid", _("Choose an active naskah type."), "naskah_type"
        )
    tenant = unit.tenant
    day = tenant_today(tenant)
    parts = pattern_parse(pattern_for(naskah_type))
    sequence = counter_next(
        tenant=tenant, unit=unit, naskah_type=naskah_type, year=day.year
    )
    number = number_render(
        parts,
        NumberContext(sequence=sequence, classification=classification_code.strip(),
                      unit_code=unit.code, date=day, security=security),
    )  # fmt: skip
    entry = NumberEntry.objects.create(
        tenant=tenant, unit=unit, naskah_type=naskah_type, year=day.year, sequence=sequence,
        number=number, kind=NumberEntry.Kind.RESERVED, subject=subject.strip()[:500],
        taken_at=timezone.now(), taken_by=actor,
    )  # fmt: skip
    audit_record(tenant=tenant, actor=actor, action="drafting.number_reserve", obj=entry,
                 data={"number": number, "sequence": sequence, "unit": unit.code})  # fmt: skip
    return entry


@transaction.atomic
def number_void(*, actor: Any, entry: NumberEntry, reason: str) -> NumberEntry:
    """Void a number (a reserved number not used, or a signed letter withdrawn).
    The entry stays in the register, so the sequence shows no gap."""
    row = (
        NumberEntry.objects.select_for_update().select_related("unit").get(pk=entry.pk)
    )
    if not may_manage_register(actor, row.unit):
        raise errors.not_tu()
    if row.voided_at is not None:
        raise errors.wrong_state(_("void"), _("voided"))
    if row.kind == NumberEntry.Kind.PENDING:
        raise errors.number_being_signed()
    if not reason.strip():
        raise errors.invalid(
            "reason_required", _("Give the reason for voiding the number."), "reason"
        )
    row.voided_at = timezone.now()
    row.voided_by = actor
    row.void_reason = reason.strip()[:300]
    row.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit_record(tenant=row.unit.tenant, actor=actor, action="drafting.number_void", obj=row,
                 data={"number": row.number, "reason": row.void_reason})  # fmt: skip
    return row
