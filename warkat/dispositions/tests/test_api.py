"""Disposition candidates (API and page) for letters that cannot be disposed:
a clear 4xx error, never a server error."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from warkat.dispositions.services.create import disposition_create
from warkat.letters.models import Letter
from warkat.letters.tests.factories import client_for, register

pytestmark = pytest.mark.django_db


def test_candidates_of_an_outgoing_letter_is_422(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    """A signed outgoing letter (which the tenant admin reads in full) has no
    addressed position to dispose from."""
    from warkat.drafting.sending import letter_sign
    from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready

    d = approved(o)
    with django_capture_on_commit_callbacks(execute=True):
        letter_sign(actor=signer_ready(o), draft=d, passphrase=PASSPHRASE, otp=otp())
    letter = Letter.objects.get(pk=d.letter_id)
    client = client_for(o.users.admin)
    api = client.get(f"/api/v1/letters/{letter.pk}/disposition-candidates")
    assert api.status_code == 422, api.content
    assert api.json()["code"] == "disposition.not_incoming"
    page = client.get(f"/disposisi/surat/{letter.pk}/")
    assert page.status_code == 422
    more = client.get(f"/disposisi/surat/{letter.pk}/jabatan/", {"q": "kabid"})
    assert more.status_code == 422


def test_candidates_from_a_disposition_of_another_letter_is_422(
    o: SimpleNamespace,
) -> None:
    first, second = register(o), register(o)
    (received,) = disposition_create(
        actor=o.users.kadis,
        letter=first,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Tindak lanjuti"],
    )
    client = client_for(o.users.kabid_a)
    api = client.get(
        f"/api/v1/letters/{second.pk}/disposition-candidates",
        {"parent_id": received.pk},
    )
    # kabid_a cannot read the second letter at all, or the parent is refused.
    assert api.status_code in (404, 422), api.content
    own = client.get(
        f"/api/v1/letters/{first.pk}/disposition-candidates",
        {"parent_id": received.pk},
    )
    assert own.status_code == 200
    assert {p["id"] for p in own.json()} >= {o.pos.staf_a.pk}
