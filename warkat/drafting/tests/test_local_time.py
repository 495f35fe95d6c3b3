"""Dates at 07:30 WIT (22:30 UTC the day before): the letter's date, the day a
delivered copy was received (by the worker), the signed PDF and the public
verification page all carry Keerom's date and time, not the server's UTC."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from warkat.drafting.models import Draft
from warkat.drafting.sending import letter_sign
from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready
from warkat.letters.models import Letter
from warkat.letters.tests.factories import build_org
from warkat.signing.documents import signed_open
from warkat.signing.models import SignedDocument

pytestmark = pytest.mark.django_db

#: Wednesday 4 November 2026, 07:30 in Keerom (WIT, UTC+9): still the 3rd in UTC.
EARLY = dt.datetime(2026, 11, 3, 22, 30, tzinfo=dt.UTC)
LOCAL_DAY = dt.date(2026, 11, 4)


@pytest.fixture
def early(in_tenant: Any) -> Iterator[Any]:
    with time_machine.travel(EARLY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def o(in_tenant: Any, early: Any) -> SimpleNamespace:
    return build_org(in_tenant)


def test_signed_and_delivered_at_0730_wit_carry_the_local_date(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    user = signer_ready(o)
    d = approved(o)
    # As in a task worker: no request activated the tenant's zone; the server's is UTC.
    with (
        timezone.override(dt.UTC),
        django_capture_on_commit_callbacks(execute=True),
    ):
        letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    d = Draft.objects.select_related("letter").get(pk=d.pk)
    assert d.letter.letter_date == LOCAL_DAY
    delivered = Letter.objects.get(
        source_letter=d.letter, addressed_position=o.pos.kadinkes
    )
    assert delivered.received_date == LOCAL_DAY
    assert delivered.letter_date == LOCAL_DAY

    doc = SignedDocument.objects.get(pk=d.signed_document_id)
    assert doc.letter_date == LOCAL_DAY
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(signed_open(doc))).pages[0].extract_text()
    assert "4 November 2026" in text and "3 November 2026" not in text

    # The public page: anonymous, so nothing activates Keerom's zone (the test's own
    # tenant scope would: the server's UTC is put back for the request).
    with timezone.override(dt.UTC):
        page = Client().get(f"/verifikasi/{doc.verification_code}")
    body = page.content.decode()
    assert page.status_code == 200
    assert "4 November 2026 07:30 WIT" in body, body
    assert "22:30" not in body
    with timezone.override(dt.UTC):
        api = Client().get(f"/api/v1/verify/{doc.verification_code}").json()
    assert api["signed_at"].startswith("2026-11-04T07:30")
