"""Correcting an incoming letter's registration, re-routing it, and the addressee
sending it back to the TU: services, pages and API."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from warkat.audit.models import AuditEvent
from warkat.core.errors import Conflict, PermissionDenied, ValidationError
from warkat.dispositions.services.create import disposition_create
from warkat.letters.inbox import inbox_counters
from warkat.letters.models import Letter, LetterEvent
from warkat.letters.services.addressee import letter_return
from warkat.letters.services.correction import letter_update
from warkat.letters.tests.factories import build_org, client_for, register
from warkat.notify.models import Notification

pytestmark = pytest.mark.django_db


def dispose(o: SimpleNamespace, letter: Letter) -> None:
    disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Pelajari"],
        deadline=dt.date(2026, 11, 10),
    )


def snapshot(letter: Letter) -> dict[str, Any]:
    return {
        k: v
        for k, v in Letter.objects.filter(pk=letter.pk).values().get().items()
        if k != "updated_at"
    }


# --- services ---------------------------------------------------------------


def test_tu_corrects_fields_with_audit_and_history(o: SimpleNamespace) -> None:
    letter = register(o, subject="Undangan rapat SPBE", security="biasa")
    agenda = letter.agenda_label
    updated = letter_update(
        actor=o.users.tu,
        letter=letter,
        subject="Undangan rapat koordinasi SPBE",
        security="terbatas",
        sender_name="Sekretaris Dinas",
        urgency="biasa",  # unchanged: not listed
    )
    letter.refresh_from_db()
    assert updated.pk == letter.pk and letter.agenda_label == agenda
    assert letter.subject == "Undangan rapat koordinasi SPBE"
    assert letter.security == "terbatas" and letter.sender_name == "Sekretaris Dinas"
    assert letter.status == "new"
    event = AuditEvent.objects.get(action="letter.correct")
    changed = event.data["changed"]
    assert set(changed) == {"subject", "security", "sender_name"}
    assert changed["security"] == {"before": "biasa", "after": "terbatas"}
    assert changed["subject"]["before"] == "Undangan rapat SPBE"
    history = LetterEvent.objects.get(letter=letter, kind="corrected")
    assert "Undangan" not in history.note and history.note  # names, not values
    # Nothing changed: nothing written.
    letter_update(actor=o.users.tu, letter=letter, security="terbatas")
    assert AuditEvent.objects.filter(action="letter.correct").count() == 1


def test_admin_corrects_and_bad_values_are_refused(o: SimpleNamespace) -> None:
    letter = register(o)
    letter_update(actor=o.users.admin, letter=letter, number="005/9/X")
    assert Letter.objects.get(pk=letter.pk).number == "005/9/X"
    with pytest.raises(ValidationError) as exc:
        letter_update(actor=o.users.tu, letter=letter, security="top")
    assert exc.value.code == "letter.invalid_choice"
    with pytest.raises(ValidationError) as exc:
        letter_update(actor=o.users.tu, letter=letter, subject="  ")
    assert exc.value.code == "letter.subject_required"
    with pytest.raises(ValidationError) as exc:
        letter_update(
            actor=o.users.tu, letter=letter, addressed_position=o.pos.kadinkes
        )
    assert exc.value.code == "letter.position_outside_unit"
    with pytest.raises(ValidationError) as exc:
        letter_update(
            actor=o.users.tu,
            letter=letter,
            received_date=dt.date(2025, 12, 30),
            letter_date=dt.date(2025, 12, 1),
        )
    assert exc.value.code == "letter.received_year_fixed"


def test_correction_to_a_registered_number_is_flagged_as_duplicate(
    o: SimpleNamespace,
) -> None:
    first = register(o, number="070/15/BPS", sender_institution="BPS Keerom")
    second = register(o, number="070/16/BPS", sender_institution="BPS Keerom")
    with pytest.raises(Conflict) as exc:
        letter_update(actor=o.users.tu, letter=second, number="070/15/bps")
    assert exc.value.code == "letter.duplicate"
    assert exc.value.details[0]["letter_id"] == first.pk
    assert Letter.objects.get(pk=second.pk).number == "070/16/BPS"
    # Its own number and date are no duplicate of itself.
    letter_update(actor=o.users.tu, letter=first, sender_institution="BPS KEEROM")
    letter_update(
        actor=o.users.tu, letter=second, number="070/15/BPS", confirm_duplicate=True
    )
    assert Letter.objects.get(pk=second.pk).number == "070/15/BPS"


def test_reroute_notifies_the_new_addressee_and_shuts_out_the_old_one(
    o: SimpleNamespace, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    letter = register(o, subject="Hasil audit investigasi", security="rahasia")
    kadis = client_for(o.users.kadis)
    assert kadis.get(reverse("letters:detail", args=[letter.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        letter_update(actor=o.users.tu, letter=letter, addressed_position=o.pos.sekdis)
    letter.refresh_from_db()
    assert letter.addressed_position_id == o.pos.sekdis.pk and letter.read_at is None
    note = Notification.objects.get(person=o.people.sekdis)
    assert note.kind == "letter.received" and "investigasi" in note.title
    # The former addressee is told it went elsewhere, without the secret subject,
    # and pointed at their inbox (the letter itself is closed to them now).
    gone = Notification.objects.get(person=o.people.kadis, kind="letter.rerouted")
    assert "investigasi" not in gone.title + gone.body
    assert "dialihkan" in gone.title and gone.url == reverse("letters:inbox")
    for mail in mailoutbox:
        assert "investigasi" not in mail.subject + mail.body
    for path in (
        reverse("letters:detail", args=[letter.pk]),
        f"/api/v1/letters/{letter.pk}",
    ):
        assert kadis.get(path).status_code == 404
        assert client_for(o.users.sekdis).get(path).status_code == 200
    assert "investigasi" not in str(kadis.get("/api/v1/inbox").json())
    event = LetterEvent.objects.get(letter=letter, kind="corrected")
    assert event.position_id == o.pos.sekdis.pk
    # A secret letter's audit keeps content fields as digests only.
    letter_update(actor=o.users.admin, letter=letter, subject="Audit investigasi II")
    data = AuditEvent.objects.filter(action="letter.correct").last().data
    assert "investigasi" not in str(data) and "after_sha256" in str(data)


def test_correction_refused_after_disposition_and_nothing_changes(
    o: SimpleNamespace,
) -> None:
    letter = register(o)
    dispose(o, letter)
    before = snapshot(letter)
    letter.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        letter_update(actor=o.users.tu, letter=letter, subject="Lain")
    assert exc.value.code == "letter.not_correctable"
    assert "disposed" in exc.value.text("en") and exc.value.text("id") != (
        exc.value.text("en")
    )
    assert snapshot(letter) == before
    tu = client_for(o.users.tu)
    assert tu.get(reverse("letters:correct", args=[letter.pk])).status_code == 409
    patch = tu.patch(
        f"/api/v1/letters/{letter.pk}",
        {"subject": "Lain"},
        content_type="application/json",
    )
    assert patch.status_code == 409 and patch.json()["code"] == "letter.not_correctable"
    assert snapshot(letter) == before
    with pytest.raises(Conflict):
        letter_return(actor=o.users.kadis, letter=letter, reason="Salah alamat")


def test_only_tu_and_admin_correct(o: SimpleNamespace, other_tenant: Any) -> None:
    from warkat.tenancy.scope import tenant_scope

    letter = register(o)
    with pytest.raises(PermissionDenied):
        letter_update(actor=o.users.kadis, letter=letter, subject="X")
    url = reverse("letters:correct", args=[letter.pk])
    # The addressee sees the letter but may not correct it; outsiders see nothing.
    assert client_for(o.users.kadis).get(url).status_code == 403
    assert client_for(o.users.kadis).post(url, {}).status_code == 403
    assert client_for(o.users.outsider).get(url).status_code == 404
    api_url = f"/api/v1/letters/{letter.pk}"
    body = {"subject": "X"}
    kadis = client_for(o.users.kadis).patch(
        api_url, body, content_type="application/json"
    )
    assert kadis.status_code == 403
    outsider = client_for(o.users.outsider)
    assert (
        outsider.patch(api_url, body, content_type="application/json").status_code
        == 404
    )
    with tenant_scope(other_tenant):
        foreign = build_org(other_tenant, prefix="g")
    for user in (foreign.users.tu, foreign.users.admin):
        c = client_for(user)
        with tenant_scope(other_tenant):
            assert c.get(url).status_code == 404
            assert (
                c.patch(api_url, body, content_type="application/json").status_code
                == 404
            )
            ret = c.post(
                f"{api_url}/return-to-tu",
                {"reason": "x"},
                content_type="application/json",
            )
            assert ret.status_code == 404
    assert Letter.objects.get(pk=letter.pk).subject == letter.subject


# --- return to TU -----------------------------------------------------------


def test_addressee_returns_tu_corrects_addressee_sees_it_again(
    o: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:
    letter = register(o, subject="Permohonan narasumber")
    kadis = client_for(o.users.kadis)
    page = kadis.get(reverse("letters:detail", args=[letter.pk]))
    assert "Kembalikan ke TU" in page.content.decode()
    # The reason is required.
    with pytest.raises(ValidationError) as exc:
        letter_return(actor=o.users.kadis, letter=letter, reason="  ")
    assert exc.value.code == "letter.return_reason_required"
    empty = kadis.post(reverse("letters:return", args=[letter.pk]), {"reason": ""})
    assert empty.status_code == 302
    assert Letter.objects.get(pk=letter.pk).status == "new"
    # Only the addressee returns it.
    with pytest.raises(PermissionDenied):
        letter_return(actor=o.users.tu, letter=letter, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        response = kadis.post(
            reverse("letters:return", args=[letter.pk]),
            {"reason": "Bukan untuk Kepala Dinas, mohon ke Sekretaris"},
        )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == "returned" and letter.read_at is not None
    assert letter.status_label == "Dikembalikan ke TU"
    assert Notification.objects.filter(
        person=o.people.tu, kind="letter.returned"
    ).exists()
    # Nothing waits in the addressee's inbox while the TU has it.
    counters = inbox_counters(user=o.users.kadis)
    assert counters["unread"] == 0 and counters["pending"] == 0
    # Returned twice, disposed or settled meanwhile: refused.
    with pytest.raises(Conflict):
        letter_return(actor=o.users.kadis, letter=letter, reason="lagi")
    with pytest.raises(Conflict) as refused:
        dispose(o, letter)
    assert refused.value.code == "disposition.letter_returned"
    shown = kadis.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert 'id="dispose"' not in shown and "Dikembalikan ke TU" in shown
    # The TU sees it flagged with the reason in the registry.
    tu = client_for(o.users.tu)
    registry = tu.get(reverse("letters:registry")).content.decode()
    assert "Dikembalikan ke TU" in registry and "mohon ke Sekretaris" in registry
    assert reverse("letters:correct", args=[letter.pk]) in registry
    # The TU re-routes it through the correction page, which sends it again.
    form = tu.get(reverse("letters:correct", args=[letter.pk]))
    assert form.status_code == 200 and "Permohonan narasumber" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        saved = tu.post(
            reverse("letters:correct", args=[letter.pk]),
            {
                "addressed_position": o.pos.sekdis.pk,
                "sender_institution": letter.sender_institution,
                "sender_name": letter.sender_name,
                "number": letter.number,
                "letter_date": "2026-11-02",
                "received_date": "2026-11-03",
                "subject": "Permohonan narasumber",
                "summary": "",
                "classification": "000.1.1 x",
                "security": "biasa",
                "urgency": "biasa",
            },
        )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    letter.refresh_from_db()
    assert letter.status == "new" and letter.read_at is None
    assert letter.addressed_position_id == o.pos.sekdis.pk
    assert Notification.objects.filter(
        person=o.people.sekdis, kind="letter.received"
    ).exists()
    assert inbox_counters(user=o.users.sekdis)["unread"] == 1
    kinds = list(
        LetterEvent.objects.filter(letter=letter)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds[-3:] == ["sent_to_tu", "corrected", "resent"]


def test_tu_sends_a_returned_letter_again_unchanged(
    o: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:
    letter = register(o)
    letter_return(actor=o.users.kadis, letter=letter, reason="Data pengirim salah?")
    with django_capture_on_commit_callbacks(execute=True):
        letter_update(actor=o.users.tu, letter=letter)
    letter.refresh_from_db()
    assert letter.status == "new" and letter.read_at is None
    assert Notification.objects.filter(
        person=o.people.kadis, kind="letter.corrected"
    ).exists()
    assert inbox_counters(user=o.users.kadis)["unread"] == 1
    assert AuditEvent.objects.get(action="letter.correct").data == {
        "changed": {},
        "resent": True,
    }


def test_secret_letter_correction_form_shows_only_the_agenda_line(
    o: SimpleNamespace,
) -> None:
    letter = register(o, subject="Hasil audit investigasi", security="rahasia")
    tu = client_for(o.users.tu)
    detail = tu.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert "Koreksi data surat" in detail and "investigasi" not in detail
    url = reverse("letters:correct", args=[letter.pk])
    form = tu.get(url).content.decode()
    assert "investigasi" not in form and letter.number in form
    saved = tu.post(
        url,
        {
            "addressed_position": "",
            "sender_institution": letter.sender_institution,
            "sender_name": "",
            "number": "005/77/RHS",
            "letter_date": "2026-11-02",
            "received_date": "2026-11-03",
            "subject": "",
            "summary": "",
            "classification": "",
            "security": "rahasia",
            "urgency": "segera",
        },
    )
    assert saved.status_code == 302
    letter.refresh_from_db()
    assert letter.subject == "Hasil audit investigasi"
    assert letter.addressed_position_id == o.pos.kadis.pk
    assert letter.number == "005/77/RHS" and letter.urgency == "segera"
    assert letter.classification is not None


def test_correction_page_flags_duplicates_and_confirms(o: SimpleNamespace) -> None:
    register(o, number="070/15/BPS", sender_institution="BPS Keerom")
    letter = register(o, number="070/16/BPS", sender_institution="BPS Keerom")
    tu = client_for(o.users.tu)
    data = {
        "addressed_position": o.pos.kadis.pk,
        "sender_institution": "BPS Keerom",
        "sender_name": "",
        "number": "070/15/BPS",
        "letter_date": "2026-11-02",
        "received_date": "2026-11-03",
        "subject": letter.subject,
        "summary": "",
        "classification": "000.1.1",
        "security": "biasa",
        "urgency": "biasa",
    }
    url = reverse("letters:correct", args=[letter.pk])
    first = tu.post(url, data)
    assert first.status_code == 200 and 'name="confirm_duplicate"' in (
        first.content.decode()
    )
    assert first.content.decode().count("sama sudah dicatat") == 1  # shown once
    assert Letter.objects.get(pk=letter.pk).number == "070/16/BPS"
    again = tu.post(url, {**data, "confirm_duplicate": "on"})
    assert again.status_code == 302
    assert Letter.objects.get(pk=letter.pk).number == "070/15/BPS"


# --- API ----------------------------------------------------------------------


def test_api_correct_return_and_errors(o: SimpleNamespace) -> None:
    letter = register(o, subject="Permohonan data")
    url = f"/api/v1/letters/{letter.pk}"
    tu = client_for(o.users.tu)
    kadis = client_for(o.users.kadis)
    ok = tu.patch(
        url,
        {"subject": "Permohonan data sektoral", "urgency": "segera"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["subject"] == "Permohonan data sektoral"
    assert ok.json()["agenda_number"] == letter.agenda_number
    bad = tu.patch(
        url, {"addressed_position_id": 10**9}, content_type="application/json"
    )
    assert bad.status_code == 422
    code = tu.patch(
        url, {"classification_code": "000"}, content_type="application/json"
    )
    assert code.status_code == 422
    no_reason = kadis.post(f"{url}/return-to-tu", {}, content_type="application/json")
    assert no_reason.status_code == 422, no_reason.content
    assert no_reason.json()["code"] == "letter.return_reason_required"
    assert (
        tu.post(
            f"{url}/return-to-tu", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    returned = kadis.post(
        f"{url}/return-to-tu",
        {"reason": "Salah alamat"},
        content_type="application/json",
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    again = kadis.post(
        f"{url}/return-to-tu",
        {"reason": "Salah alamat"},
        content_type="application/json",
    )
    assert again.status_code == 409
    rerouted = tu.patch(
        url,
        {"addressed_position_id": o.pos.sekdis.pk},
        content_type="application/json",
    )
    assert rerouted.status_code == 200 and rerouted.json()["status"] == "new"
    assert rerouted.json()["addressed_position_id"] == o.pos.sekdis.pk
    assert kadis.get(url).status_code == 404
    schema = Client().get("/api/v1/openapi.json").json()
    for path, method in (
        ("/api/v1/letters/{letter_id}", "patch"),
        ("/api/v1/letters/{letter_id}/return-to-tu", "post"),
    ):
        responses = schema["paths"][path][method]["responses"]
        assert {"403", "404", "409", "422"} <= set(responses)
