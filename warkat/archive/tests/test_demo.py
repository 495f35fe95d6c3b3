"""The demo: Keerom's usul musnah waits for the appraisal committee."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.urls import reverse

from warkat.accounts.models import User
from warkat.archive.models import AppraisalMember, DisposalBatch, LegalHold
from warkat.letters.tests.factories import client_for
from warkat.org.models import Assignment
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


def test_demo_has_a_destruction_list_waiting_for_appraisal(demo: Any) -> None:
    keerom = Tenant.objects.get(region_code="91.11")
    with tenant_scope(keerom):
        batch = DisposalBatch.objects.get()
        assert (batch.kind, batch.state) == ("pemusnahan", "proposed")
        assert batch.items.count() == 5
        held = LegalHold.objects.get()
        assert not batch.items.filter(letter=held.letter).exists()
        # The Sekda chairs the committee and received the letters (their chain).
        sekda = User.objects.get(username="sekda.keerom")
        body = (
            client_for(sekda)
            .get(reverse("archive:batch", args=[batch.pk]))
            .content.decode()
        )
        assert "Usul musnah" in body and 'action="/arsip/daftar/' in body
        assert "Laporan Pemeriksaan Kas" in body
        # The Kepala Bagian Hukum appraises too, outside the Rahasia letter's chain.
        member = AppraisalMember.objects.get(position__name__icontains="Hukum")
        person = Assignment.objects.filter(position=member.position).first().person  # type: ignore[union-attr]
        body = (
            client_for(User.objects.get(person=person))
            .get(reverse("archive:batch", args=[batch.pk]))
            .content.decode()
        )
        assert "Usul musnah" in body and "Laporan Pemeriksaan Kas" not in body
    # Loading again adds nothing.
    call_command("demo_load", stdout=io.StringIO())
    with tenant_scope(keerom):
        assert DisposalBatch.objects.count() == 1
