"""Outgoing letters: "draft needs your review" names the reviewer's position, then
"letter signed" and "letter delivered" follow the real signing and delivery."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from warkat.drafting.sending import letter_sign
from warkat.drafting.services.review import draft_submit
from warkat.drafting.tests.factories import (
    PASSPHRASE,
    approved,
    draft,
    otp,
    signer_ready,
)

pytestmark = pytest.mark.django_db


def _types(hook: SimpleNamespace) -> list[str]:
    return [r.body["type"] for r in hook.receiver.received]


def test_review_requested_names_the_reviewer(
    o: SimpleNamespace, hook: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    d = draft(o)
    with django_capture_on_commit_callbacks(execute=True):
        draft_submit(actor=o.users.staf_a, draft=d)
    [got] = hook.receiver.received
    assert got.verified
    assert got.body["type"] == "draft.review_requested"
    data = got.body["data"]["draft"]
    assert data["id"] == d.pk
    assert data["reviewer_position"] == {
        "id": o.pos.kabid_a.pk,
        "name": o.pos.kabid_a.name,
    }


def test_signed_and_delivered(
    o: SimpleNamespace, hook: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    user = signer_ready(o)
    with django_capture_on_commit_callbacks(execute=True):
        d = approved(o)
    with django_capture_on_commit_callbacks(execute=True):
        letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    types = _types(hook)
    assert types[:2] == ["draft.review_requested", "draft.review_requested"]
    assert "letter.signed" in types
    signed = next(
        r.body for r in hook.receiver.received if r.body["type"] == "letter.signed"
    )
    d.refresh_from_db()
    assert signed["data"]["letter"]["id"] == d.letter_id
    assert signed["data"]["letter"]["number"] == d.letter.number
    assert all(r.verified for r in hook.receiver.received)
