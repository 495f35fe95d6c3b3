"""Letters sent inside Warkat arrive registered in the recipient's book, across tenants."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from warkat.letters.models import Direction, Letter, LetterFile
from warkat.letters.samples import sample_pdf
from warkat.letters.services.delivery import letter_receive_internal
from warkat.letters.tests.factories import build_org, leaf_code
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


def _outgoing(o: SimpleNamespace) -> Letter:
    return Letter.objects.create(
        tenant=o.tenant, direction=Direction.OUTGOING, unit=o.dinas,
        subject="Undangan rapat SPBE", classification=leaf_code(), security="biasa",
        urgency="segera", number="005/12/KOMINFO/2026", letter_date=dt.date(2026, 11, 3),
        status="signed",
    )  # fmt: skip


def test_delivery_to_another_tenant_registers_and_is_idempotent(
    o: SimpleNamespace, other_tenant, media
) -> None:
    sent = _outgoing(o)
    with tenant_scope(other_tenant):
        foreign = build_org(other_tenant, prefix="g")
    pdf = SimpleUploadedFile(
        "signed.pdf", sample_pdf(["Ditandatangani secara elektronik"])
    )
    received = letter_receive_internal(
        source_letter=sent, to_position_id=foreign.pos.kabid_a.pk,
        sender_institution="Dinas Kominfo Kabupaten Keerom", sender_name="Kepala Dinas", files=[pdf],
    )  # fmt: skip
    with tenant_scope(other_tenant):
        letter = Letter.objects.get(pk=received.pk)
        assert letter.tenant_id == other_tenant.pk
        # The agenda book of the nearest OPD receives it.
        assert letter.unit_id == foreign.dinas.pk and letter.agenda_number == 1
        assert letter.addressed_position_id == foreign.pos.kabid_a.pk
        assert letter.urgency == "segera" and letter.source_letter_id == sent.pk
        f = LetterFile.objects.get(letter=letter)
        assert f.storage_name.startswith(f"{other_tenant.pk}/")
    again = letter_receive_internal(
        source_letter=sent, to_position_id=foreign.pos.kabid_a.pk,
        sender_institution="Dinas Kominfo Kabupaten Keerom", files=[SimpleUploadedFile("signed.pdf", sample_pdf(["x"]))],
    )  # fmt: skip
    assert again.pk == received.pk
    with tenant_scope(other_tenant):
        assert Letter.objects.count() == 1
    # Still scoped to Keerom afterwards; the sender's tenant sees none of it.
    assert Letter.objects.filter(direction=Direction.INCOMING).count() == 0
