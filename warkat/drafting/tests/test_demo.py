"""The demo outgoing letters load through the real services, once."""

from __future__ import annotations

from typing import Any

import pytest

from warkat.demo.drafting import demo_drafting_load
from warkat.drafting.models import Delivery, Draft
from warkat.letters.models import Letter

pytestmark = pytest.mark.django_db


def test_demo_drafting_load(in_tenant: Any, frozen: Any) -> None:
    from warkat.demo.accounts import demo_accounts_load
    from warkat.demo.organisation import demo_org_load

    org = demo_org_load(tenant=in_tenant)
    demo_accounts_load(tenant=in_tenant, people=org["people"])
    made = demo_drafting_load(tenant=in_tenant, people=org["people"])
    states = sorted(d.state for d in made)
    assert states == ["approved", "draft", "draft", "in_review", "sent", "sent"]
    signed = next(d for d in made if d.state == "sent")
    # The surat tugas sending three Kominfo staff to a distrik, signed by the Sekda.
    duty = made[-1]
    assert duty.naskah_type.code == "surat-tugas" and duty.state == "sent"
    assert len(duty.duty_person_ids) == 3 and duty.duty_start is not None
    assert signed.signer_kind == "plh"  # the Kepala Dinas is on leave this week
    assert signed.letter.number.startswith("000.1.1/1/")
    assert Delivery.objects.get(draft=signed).status == "delivered"
    sekda_copy = Letter.objects.get(source_letter=signed.letter)
    assert sekda_copy.direction == "incoming"
    returned = next(d for d in made if d.round == 2)
    assert returned.state == "draft"
    assert demo_drafting_load(tenant=in_tenant, people=org["people"]) == list(
        Draft.objects.order_by("pk")
    )
    assert Draft.objects.count() == 6
