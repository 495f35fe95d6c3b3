"""The three steps of signing (``sending`` module docstring): a failed signing gives
its number back or keeps it for a retry; a letter changed meanwhile is not signed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db.models import F

from warkat.core.errors import Conflict, DomainError
from warkat.drafting import sending
from warkat.drafting.models import Draft, NumberCounter, NumberEntry
from warkat.drafting.recovery import numbers_pending_sweep
from warkat.drafting.register import number_reserve, number_void
from warkat.drafting.sending import letter_sign
from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready
from warkat.letters.models import Letter
from warkat.signing import errors as signing_errors

pytestmark = pytest.mark.django_db


def tsa_fails_after_a_later_number(o: SimpleNamespace, d: Draft) -> Any:
    """A ``signature_make`` during which the TU takes the next number of the same
    counter, and which then fails as an unreachable TSA does."""

    def sign(**kw: Any) -> Any:
        number_reserve(actor=o.users.tu, unit=o.dinas, naskah_type=d.naskah_type,
                       subject="Surat kertas")  # fmt: skip
        raise signing_errors.tsa_unavailable()

    return sign


def register_rows() -> list[tuple[int, str, bool]]:
    rows = NumberEntry.objects.order_by("sequence")
    return [(e.sequence, e.kind, e.voided_at is None) for e in rows]


def test_a_failed_signing_after_a_later_number_keeps_its_number_for_a_retry(
    o: SimpleNamespace, frozen: Any, monkeypatch: Any
) -> None:
    user, d = signer_ready(o), approved(o)
    real = sending.signature_make

    monkeypatch.setattr(sending, "signature_make", tsa_fails_after_a_later_number(o, d))
    with pytest.raises(DomainError):
        letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    # 1 cannot go back without a gap: it stays with the letter, being signed.
    assert register_rows() == [(1, "pending", True), (2, "reserved", True)]
    assert NumberEntry.objects.get(sequence=1).letter_id == d.letter_id
    assert Letter.objects.get(pk=d.letter_id).number == ""
    with pytest.raises(Conflict):  # the TU cannot void a number being signed
        number_void(actor=o.users.tu, entry=NumberEntry.objects.get(sequence=1),
                    reason="batal")  # fmt: skip
    monkeypatch.setattr(sending, "signature_make", real)
    letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp(frozen))
    assert register_rows() == [(1, "signed", True), (2, "reserved", True)]
    assert Letter.objects.get(pk=d.letter_id).number.startswith("000.1.1/1/")
    assert numbers_pending_sweep() == 0


def test_a_number_taken_on_another_day_is_voided_and_a_new_one_taken(
    o: SimpleNamespace, frozen: Any, monkeypatch: Any
) -> None:
    user, d = signer_ready(o), approved(o)
    real = sending.signature_make

    monkeypatch.setattr(sending, "signature_make", tsa_fails_after_a_later_number(o, d))
    with pytest.raises(DomainError):
        letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    monkeypatch.setattr(sending, "signature_make", real)
    frozen.shift(24 * 3600)  # the next day: the month and date in the number change
    letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp(frozen))
    assert register_rows() == [
        (1, "pending", False), (2, "reserved", True), (3, "signed", True)
    ]  # fmt: skip
    letter = Letter.objects.get(pk=d.letter_id)
    assert letter.number.startswith("000.1.1/3/") and str(letter.letter_date) == (
        "2026-11-05"
    )


def test_a_letter_changed_while_being_signed_is_not_signed(
    o: SimpleNamespace, monkeypatch: Any
) -> None:
    user, d = signer_ready(o), approved(o)
    real = sending.signature_make

    def edited_meanwhile(**kw: Any) -> Any:
        Draft.objects.filter(pk=d.pk).update(version=F("version") + 1)
        return real(**kw)

    monkeypatch.setattr(sending, "signature_make", edited_meanwhile)
    with pytest.raises(Conflict) as exc:
        letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    assert exc.value.code == "drafting.signing_interrupted"
    d = Draft.objects.get(pk=d.pk)
    assert d.state == "approved" and d.signed_document_id is None
    # The number was the last one taken: given back.
    assert register_rows() == []
    assert NumberCounter.objects.get().last_number == 0


def test_a_voided_number_of_a_secret_letter_keeps_no_subject(
    o: SimpleNamespace, frozen: Any, monkeypatch: Any
) -> None:
    user, d = signer_ready(o), approved(o, security="rahasia")

    monkeypatch.setattr(sending, "signature_make", tsa_fails_after_a_later_number(o, d))
    with pytest.raises(DomainError):
        letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    assert NumberEntry.objects.get(sequence=1).subject  # hidden through its letter
    frozen.shift(31 * 60)
    assert numbers_pending_sweep() == 1
    voided = NumberEntry.objects.get(sequence=1)
    assert voided.letter_id is None and voided.subject == ""


def test_search_row_refreshed_before_the_audit_chain_is_locked(
    o: SimpleNamespace, frozen: Any, monkeypatch: Any
) -> None:
    """Taking a number refreshes no search row (no searchable text changes); the
    record step refreshes the letter's once, before it appends its audit events
    (the tenant's chain head is then held only to the commit)."""
    from warkat.search import receivers

    user, d = signer_ready(o), approved(o)
    calls: list[tuple[str, Any]] = []
    real_refresh, real_audit = receivers._refresh_letters, sending.audit_records

    def refresh(ids: list[int]) -> None:
        calls.append(("refresh", ids))
        real_refresh(ids)

    def audit(**kw: Any) -> Any:
        calls.append(("audit", [e.action for e in kw["entries"]]))
        return real_audit(**kw)

    monkeypatch.setattr(receivers, "_refresh_letters", refresh)
    monkeypatch.setattr(sending, "audit_records", audit)
    letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    assert calls == [
        ("audit", ["drafting.number_take"]),
        ("refresh", [d.letter_id]),
        ("audit", ["signing.document_signed", "drafting.sign"]),
    ]


def test_already_fresh_drops_refreshes_inside_it_only() -> None:
    from warkat.core.coalesce import already_fresh, coalesced, once_at_end

    ran: list[list[int]] = []
    with coalesced():
        once_at_end(ran.append, [1])
        with already_fresh():
            once_at_end(ran.append, [2])
        once_at_end(ran.append, [3])
    with already_fresh():
        once_at_end(ran.append, [4])
    once_at_end(ran.append, [5])
    assert ran == [[1, 3], [5]]
