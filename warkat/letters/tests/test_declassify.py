"""Declassification: the holder of the addressed position (of an outgoing letter,
the signing position) lowers a letter's security level with a reason, recorded as
its own event; nobody else can, by any route."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from warkat.audit.models import AuditEvent
from warkat.core.errors import PermissionDenied, ValidationError
from warkat.letters.declassify import letter_declassify
from warkat.letters.models import Letter, LetterEvent
from warkat.letters.tests.factories import client_for
from warkat.letters.tests.test_integrity import SECRET, secret_letter

pytestmark = pytest.mark.django_db


def test_the_addressee_declassifies_with_a_reason_and_an_audit_event(
    o: SimpleNamespace,
) -> None:
    letter = secret_letter(o)
    agenda = letter.agenda_label
    done = letter_declassify(
        actor=o.users.kadis,
        letter=letter,
        security="biasa",
        reason="Sudah diumumkan dalam rapat terbuka",
    )
    assert done.security == "biasa"
    assert Letter.objects.get(pk=letter.pk).security == "biasa"
    event = AuditEvent.objects.get(action="letter.declassify")
    # Named as it was when declassified: by its level and agenda line only.
    assert event.object_repr == f"[sangat_rahasia] surat masuk {agenda}"
    assert event.capacity == "definitif"
    assert event.data == {
        "from": "sangat_rahasia",
        "to": "biasa",
        "reason": "Sudah diumumkan dalam rapat terbuka",
    }
    assert SECRET not in json.dumps(event.data)
    assert not AuditEvent.objects.filter(action="letter.correct").exists()
    history = LetterEvent.objects.get(letter=letter, kind="declassified")
    assert history.position_id == o.pos.kadis.pk
    assert history.note == "Sudah diumumkan dalam rapat terbuka"
    # Open to the register keepers now.
    shown = client_for(o.users.admin).get(f"/api/v1/letters/{letter.pk}").json()
    assert shown["letter"]["subject"] == f"Hasil audit {SECRET}"


def test_only_the_addressee_declassifies_and_only_downwards(
    o: SimpleNamespace,
) -> None:
    letter = secret_letter(o, "rahasia")
    for user in (o.users.admin, o.users.tu, o.users.sekdis, o.users.outsider):
        with pytest.raises(PermissionDenied) as exc:
            letter_declassify(actor=user, letter=letter, security="biasa", reason="x")
        assert exc.value.code == "letter.declassify_forbidden"
    for level, code in (
        ("rahasia", "letter.declassify_not_lower"),
        ("sangat_rahasia", "letter.declassify_not_lower"),
        ("top", "letter.invalid_choice"),
    ):
        with pytest.raises(ValidationError) as refused:
            letter_declassify(
                actor=o.users.kadis, letter=letter, security=level, reason="x"
            )
        assert refused.value.code == code
    with pytest.raises(ValidationError) as no_reason:
        letter_declassify(
            actor=o.users.kadis, letter=letter, security="biasa", reason="  "
        )
    assert no_reason.value.code == "letter.declassify_reason_required"
    assert Letter.objects.get(pk=letter.pk).security == "rahasia"
    assert not AuditEvent.objects.filter(action="letter.declassify").exists()


def test_declassify_api(o: SimpleNamespace) -> None:
    letter = secret_letter(o)
    url = f"/api/v1/letters/{letter.pk}/declassify"
    body = {"security": "terbatas", "reason": "Tidak lagi rahasia"}
    for user, status in (
        (o.users.admin, 403),
        (o.users.tu, 403),
        (o.users.outsider, 404),
    ):
        answer = client_for(user).post(url, body, content_type="application/json")
        assert answer.status_code == status, answer.content
        assert SECRET not in answer.content.decode()
    empty = client_for(o.users.kadis).post(
        url, {"security": "biasa", "reason": ""}, content_type="application/json"
    )
    assert empty.status_code == 422
    assert empty.json()["code"] == "letter.declassify_reason_required"
    ok = client_for(o.users.kadis).post(url, body, content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["security"] == "terbatas" and not ok.json()["restricted"]
    schema = client_for(o.users.kadis).get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/letters/{letter_id}/declassify"]["post"]
    assert {"403", "404", "422"} <= set(responses["responses"])


def test_declassify_on_the_letter_page(o: SimpleNamespace) -> None:
    letter = secret_letter(o)
    page = reverse("letters:detail", args=[letter.pk])
    action = reverse("letters:declassify", args=[letter.pk])
    kadis = client_for(o.users.kadis)
    shown = kadis.get(page).content.decode()
    assert action in shown and "Deklasifikasi" in shown
    for user in (o.users.tu, o.users.admin):
        assert action not in client_for(user).get(page).content.decode()
        assert client_for(user).post(action, {"security": "biasa", "reason": "x"})
        assert Letter.objects.get(pk=letter.pk).security == "sangat_rahasia"
    missing = kadis.post(action, {"security": "biasa", "reason": ""}, follow=True)
    assert "alasan" in missing.content.decode().lower()
    assert Letter.objects.get(pk=letter.pk).security == "sangat_rahasia"
    done = kadis.post(action, {"security": "biasa", "reason": "Sudah terbuka"})
    assert done.status_code == 302 and done["Location"] == page
    assert Letter.objects.get(pk=letter.pk).security == "biasa"
    # A Biasa letter has nothing left to declassify.
    assert action not in kadis.get(page).content.decode()


def test_the_signer_declassifies_a_signed_outgoing_letter(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    from warkat.drafting.sending import letter_sign
    from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready

    d = approved(o, subject=f"Tanggapan {SECRET}", security="rahasia")
    letter = Letter.objects.get(pk=d.letter_id)
    # Before it is signed the drafter still edits the draft: nothing to declassify.
    with pytest.raises(PermissionDenied):
        letter_declassify(actor=o.users.kadis, letter=letter, security="biasa",
                          reason="x")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        letter_sign(actor=signer_ready(o), draft=d, passphrase=PASSPHRASE, otp=otp())
    letter.refresh_from_db()
    admin = client_for(o.users.admin)
    assert admin.get(f"/naskah/{letter.pk}/").status_code == 404
    for user in (o.users.staf_a, o.users.kabid_a, o.users.admin):
        with pytest.raises(PermissionDenied):
            letter_declassify(actor=user, letter=letter, security="biasa", reason="x")
    kadis = client_for(o.users.kadis)
    page = kadis.get(reverse("drafting:detail", args=[letter.pk])).content.decode()
    action = reverse("letters:declassify", args=[letter.pk])
    assert action in page
    done = kadis.post(action, {"security": "biasa", "reason": "Sudah diumumkan"})
    assert done["Location"] == reverse("drafting:detail", args=[letter.pk])
    assert Letter.objects.get(pk=letter.pk).security == "biasa"
    event = AuditEvent.objects.get(action="letter.declassify")
    assert event.object_repr.startswith("[rahasia] surat keluar")
    assert SECRET not in event.object_repr
    assert admin.get(f"/naskah/{letter.pk}/").status_code == 200
