"""Delivery after signing: inboxes in this and another tenant, e-mail with the PDF."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail

from warkat.drafting.fields import RecipientInput
from warkat.drafting.models import Delivery, Draft
from warkat.drafting.sending import delivery_retry, letter_sign
from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready
from warkat.letters.models import Letter, LetterFile
from warkat.org.tests import factories as org
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


def sign(o: SimpleNamespace, capture: Any, **kw: Any) -> Draft:
    user = signer_ready(o)
    d = approved(o, **kw)
    with capture(execute=True):
        letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    return Draft.objects.get(pk=d.pk)


def test_internal_and_external_delivery(
    o: SimpleNamespace, other_tenant: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with tenant_scope(other_tenant):
        gorontalo = org.position(
            other_tenant, name="Kepala Dinas Kominfo", category="jpt", is_head=True
        )
    recipients = [
        RecipientInput(role="to", kind="position", target_id=o.pos.kadinkes.pk),
        RecipientInput(role="to", kind="position", target_id=gorontalo.pk),
        RecipientInput(
            role="to",
            kind="external",
            label="PT Telekomunikasi",
            email="sekretariat@telkom.invalid",
        ),
        RecipientInput(
            role="to", kind="external", label="Yayasan tanpa surel", address="Jayapura"
        ),
        RecipientInput(role="copy", kind="unit", target_id=o.other.pk),
    ]
    d = sign(o, django_capture_on_commit_callbacks, recipients=recipients)
    assert d.state == "sent"
    rows = {
        r.recipient.label: r
        for r in Delivery.objects.filter(draft=d).select_related("recipient")
    }
    assert len(rows) == 4  # the paper-only addressee has none
    assert {r.status for r in rows.values()} == {"delivered"}, [
        r.error for r in rows.values()
    ]
    # Same tenant: registered in Dinas Kesehatan's agenda book, with the signed PDF.
    # The tembusan to Dinas Kesehatan went to its head, who already has the letter:
    # delivered once per position.
    assert (
        rows["Dinas Kesehatan"].delivered_letter_id
        == rows["Kepala Dinas Kesehatan"].delivered_letter_id
    )
    kadinkes_copy = Letter.objects.get(
        source_letter=d.letter, addressed_position=o.pos.kadinkes
    )
    assert (
        kadinkes_copy.direction == "incoming"
        and kadinkes_copy.number == d.letter.number
    )
    assert kadinkes_copy.agenda_number == 1
    assert (
        LetterFile.objects.get(letter=kadinkes_copy).content_type == "application/pdf"
    )
    # Other tenant: in its own scope.
    with tenant_scope(other_tenant):
        there = Letter.objects.get(addressed_position=gorontalo)
        assert (
            there.source_letter_id == d.letter_id
            and there.sender_institution.endswith("Kabupaten Keerom")
        )
    assert (
        rows["Kepala Dinas Kominfo Kabupaten Gorontalo"].delivered_letter_id == there.pk
    )
    # External: one e-mail with the PDF.
    assert len(mail.outbox) >= 1
    message = next(m for m in mail.outbox if m.to == ["sekretariat@telkom.invalid"])
    (_name, content, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf" and content[:5] == b"%PDF-"
    assert d.letter.number in message.subject


def test_secret_letter_is_not_emailed(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    d = sign(
        o,
        django_capture_on_commit_callbacks,
        security="rahasia",
        recipients=[RecipientInput(kind="external", label="PT X", email="x@x.invalid")],
    )
    row = Delivery.objects.get(draft=d)
    assert row.status == "failed" and ("e-mail" in row.error or "surel" in row.error)
    assert not [m for m in mail.outbox if m.to == ["x@x.invalid"]]
    # Retrying is for TU or the drafter only, and only for failed deliveries.
    from warkat.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        delivery_retry(actor=o.users.outsider, delivery=row)
    with django_capture_on_commit_callbacks(execute=True):
        delivery_retry(actor=o.users.staf_a, delivery=row)
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == 2


def test_tembusan_arrives_as_a_copy_for_information(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    from django.test import Client
    from django.urls import reverse

    from warkat.core.errors import ValidationError
    from warkat.dispositions.services.create import disposition_create
    from warkat.letters.inbox import InboxFilters, inbox_counters, inbox_page

    d = sign(
        o,
        django_capture_on_commit_callbacks,
        recipients=[
            RecipientInput(role="to", kind="position", target_id=o.pos.kadinkes.pk),
            RecipientInput(role="copy", kind="position", target_id=o.pos.sekda.pk),
        ],
    )
    to = Letter.objects.get(source_letter=d.letter, addressed_position=o.pos.kadinkes)
    copy = Letter.objects.get(source_letter=d.letter, addressed_position=o.pos.sekda)
    assert (to.is_copy, copy.is_copy) == (False, True)
    sekda = o.users.sekda
    counters = inbox_counters(user=sekda)
    assert (counters["copies"], counters["unread"]) == (1, 0)
    copies = inbox_page(user=sekda, filters=InboxFilters(kind="copies"))
    assert [i.letter.pk for i in copies.items] == [copy.pk]
    # Not disposed: no form on the page, refused by the service.
    c = Client()
    c.force_login(sekda)
    page = c.get(reverse("letters:detail", args=[copy.pk])).content.decode()
    assert "Tembusan" in page and 'id="dispose"' not in page
    with pytest.raises(ValidationError) as err:
        disposition_create(
            actor=sekda,
            letter=copy,
            to_position_ids=[o.pos.kadis.pk],
            instructions=["Pelajari"],
        )
    assert err.value.code == "disposition.copy"
    # Reading it settled it: nothing left to count or remind.
    copy.refresh_from_db()
    assert copy.status == "done" and copy.read_at is not None
    assert inbox_counters(user=sekda)["copies"] == 0
    assert c.get(f"/api/v1/letters/{copy.pk}").json()["letter"]["is_copy"] is True
