"""Pages and API of letters and dispositions: the happy path,
error statuses and query counts (secrecy on every path: ``test_web_secrecy``)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from warkat.core.errors import Conflict
from warkat.dispositions.models import Disposition
from warkat.dispositions.services.create import disposition_create
from warkat.letters.models import Letter
from warkat.letters.samples import sample_pdf
from warkat.letters.tests.factories import client_for, register

pytestmark = pytest.mark.django_db


#: Session clients call the API too (CSRF checks are off in the test client).
api = client_for


def test_api_register_dispose_redispose_follow_up_close(o: SimpleNamespace) -> None:
    tu = api(o.users.tu)
    response = tu.post(
        "/api/v1/letters/incoming",
        {
            "unit_id": o.dinas.pk,
            "addressed_position_id": o.pos.kadis.pk,
            "subject": "Permohonan data statistik sektoral",
            "classification_code": "000.1.1",
            "security": "biasa",
            "urgency": "segera",
            "number": "070/15/BPS",
            "letter_date": "2026-11-02",
            "sender_institution": "BPS Kabupaten Keerom",
            "files": [SimpleUploadedFile("surat.pdf", sample_pdf(["BPS"]))],
        },
    )
    assert response.status_code == 201, response.content
    letter_id = response.json()["id"]
    assert response.json()["agenda_number"] == 1

    again = tu.post(
        "/api/v1/letters/incoming",
        {
            "unit_id": o.dinas.pk,
            "addressed_position_id": o.pos.kadis.pk,
            "subject": "x",
            "classification_code": "000.1.1",
            "number": "070/15/BPS",
            "letter_date": "2026-11-02",
            "sender_institution": "BPS Kabupaten Keerom",
        },
    )
    assert again.status_code == 409 and again.json()["code"] == "letter.duplicate"

    kadis = api(o.users.kadis)
    inbox = kadis.get("/api/v1/inbox").json()
    assert inbox["counters"]["unread"] == 1
    assert inbox["counter_cap"] == 999
    detail = kadis.get(f"/api/v1/letters/{letter_id}").json()
    file_url = detail["files"][0]["url"]
    assert kadis.get("/api/v1/inbox").json()["counters"]["unread"] == 0
    download = kadis.get(file_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="surat.pdf"' in download["Content-Disposition"]

    created = kadis.post(
        f"/api/v1/letters/{letter_id}/dispositions",
        {
            "to_position_ids": [o.pos.kabid_a.pk, o.pos.kabid_b.pk],
            "instructions": ["Tindak lanjuti", "Siapkan jawaban"],
            "deadline_days": 2,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    first = created.json()[0]
    assert first["deadline"] == "2026-11-06"

    kabid = api(o.users.kabid_a)
    assert (
        kabid.post(f"/api/v1/dispositions/{first['id']}/read").json()["state"] == "read"
    )
    child = kabid.post(
        f"/api/v1/letters/{letter_id}/dispositions",
        {
            "to_position_ids": [o.pos.staf_a.pk],
            "instructions": ["Tindak lanjuti"],
            "parent_id": first["id"],
        },
        content_type="application/json",
    ).json()[0]
    staf = api(o.users.staf_a)
    fu = staf.post(
        f"/api/v1/dispositions/{child['id']}/follow-ups",
        {
            "text": "Data sudah dikirim",
            "files": [SimpleUploadedFile("data.pdf", sample_pdf(["data"]))],
        },
    )
    assert fu.status_code == 201 and fu.json()["files"] == 1
    closed = kabid.post(
        f"/api/v1/dispositions/{child['id']}/close",
        {"note": "ok"},
        content_type="application/json",
    )
    assert closed.json()["state"] == "closed"
    tree = kadis.get(f"/api/v1/letters/{letter_id}").json()["dispositions"]
    assert [d["state"] for d in tree] == ["forwarded", "closed", "sent"]
    assert tree[1]["follow_ups"][0]["files"][0]["url"].startswith(
        "/api/v1/follow-up-files/"
    )


def test_api_errors_are_declared_4xx(o: SimpleNamespace) -> None:
    letter = register(o)
    kadis = api(o.users.kadis)
    url = f"/api/v1/letters/{letter.pk}/dispositions"
    outside = kadis.post(
        url,
        {"to_position_ids": [o.pos.kadinkes.pk], "instructions": ["Pelajari"]},
        content_type="application/json",
    )
    assert (
        outside.status_code == 422
        and outside.json()["code"] == "disposition.recipient_not_allowed"
    )
    assert (
        outside.json()["message"] != outside.json()["message_en"]
        or outside.json()["message"]
    )
    past = kadis.post(
        url,
        {
            "to_position_ids": [o.pos.kabid_a.pk],
            "instructions": ["Pelajari"],
            "deadline": "2026-11-01",
        },
        content_type="application/json",
    )
    assert (
        past.status_code == 422 and past.json()["code"] == "disposition.deadline_past"
    )
    ok = kadis.post(
        url,
        {"to_position_ids": [o.pos.kabid_a.pk], "instructions": ["Pelajari"]},
        content_type="application/json",
    )
    d_id = ok.json()[0]["id"]
    api(o.users.kabid_a).post(f"/api/v1/dispositions/{d_id}/read")
    cancel = kadis.post(
        f"/api/v1/dispositions/{d_id}/cancel", {}, content_type="application/json"
    )
    assert (
        cancel.status_code == 409 and cancel.json()["code"] == "disposition.wrong_state"
    )
    assert Disposition.objects.get(pk=d_id).state == "read"
    bad_file = api(o.users.tu).post(
        "/api/v1/letters/incoming",
        {
            "unit_id": o.dinas.pk, "addressed_position_id": o.pos.kadis.pk, "subject": "x",
            "classification_code": "000.1.1", "number": "1", "letter_date": "2026-11-02",
            "sender_institution": "X", "files": [SimpleUploadedFile("virus.pdf", b"MZ" + b"\0" * 100)],
        },
    )  # fmt: skip
    assert bad_file.status_code == 422 and bad_file.json()["code"] == "file.refused"
    assert api(o.users.staf_a).get("/api/v1/letters/999999").status_code == 404
    schema = Client().get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/dispositions/{disposition_id}/cancel"]["post"][
        "responses"
    ]
    assert {"403", "404", "409", "422"} <= set(responses)


def test_phone_flow_dispose_in_three_screens(o: SimpleNamespace) -> None:
    """Inbox → letter page (PDF viewer and dispose form) → sent, back on the letter."""
    letter = register(o, urgency="segera")
    c = client_for(o.users.kadis)
    screen1 = c.get(reverse("letters:inbox"))
    detail_url = reverse("letters:detail", args=[letter.pk])
    assert detail_url.encode() in screen1.content
    screen2 = c.get(detail_url)
    body = screen2.content.decode()
    assert (
        "<iframe" in body
        and reverse("letters:file", args=[letter.pk, letter.files.get().pk]) in body
    )
    assert 'name="to_positions"' in body and 'name="deadline"' in body
    screen3 = c.post(
        reverse("dispositions:dispose", args=[letter.pk]),
        {
            "to_positions": [o.pos.kabid_a.pk, o.pos.kabid_b.pk],
            "instructions": ["Hadiri/Wakili"],
            "deadline": "2026-11-06",
        },
        follow=True,
    )
    assert screen3.redirect_chain[-1][0] == detail_url
    assert Disposition.objects.filter(letter=letter).count() == 2
    assert screen2["Content-Security-Policy"]
    file_response = c.get(
        reverse("letters:file", args=[letter.pk, letter.files.get().pk])
    )
    assert file_response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in file_response["Content-Security-Policy"]


def test_ui_actions_follow_up_and_bad_input(o: SimpleNamespace) -> None:
    letter = register(o)
    (d,) = disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Pelajari"],
    )
    kabid = client_for(o.users.kabid_a)
    page = kabid.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert "tindak-lanjut" in page
    # Opening the page read the disposition (once per visit, every visit kept).
    d.refresh_from_db()
    assert d.state == "read" and d.read_by_id == o.people.kabid_a.pk
    kabid.get(reverse("letters:detail", args=[letter.pk]))
    assert d.reads.count() == 2
    # The sender can no longer withdraw it.
    cancel = client_for(o.users.kadis).post(
        reverse("dispositions:transition", args=[d.pk, "cancel"])
    )
    assert cancel.status_code in (302, 409)
    d.refresh_from_db()
    assert d.state == "read"
    kabid.post(
        reverse("dispositions:follow_up", args=[d.pk]),
        {"text": "Sudah", "files": [SimpleUploadedFile("a.png", b"not png")]},
    )
    d.refresh_from_db()
    assert d.state == "read" and not d.follow_ups.exists()  # refused file
    kabid.post(
        reverse("dispositions:follow_up", args=[d.pk]), {"text": "Sudah dipelajari"}
    )
    d.refresh_from_db()
    assert d.state == "followed_up"
    bad = client_for(o.users.kadis).post(
        reverse("dispositions:dispose", args=[letter.pk]),
        {
            "to_positions": [o.pos.kabid_b.pk],
            "instructions": ["Pelajari"],
            "deadline": "2026-10-01",
        },
    )
    assert bad.status_code == 422
    client_for(o.users.kadis).post(
        reverse("dispositions:transition", args=[d.pk, "close"]), {"note": "ok"}
    )
    d.refresh_from_db()
    assert d.state == "closed"


def test_register_page_flow_with_duplicate_confirmation(o: SimpleNamespace) -> None:
    c = client_for(o.users.tu)
    assert c.get(reverse("letters:register")).status_code == 200
    codes = c.get(reverse("letters:codes"), {"classification": "undangan"})
    assert codes.status_code == 200
    # The invitation code's option shows the words that matched, past the cut name.
    assert re.search(r'value="500\.10\.9\.8 [^"]*Undangan', codes.content.decode())
    data = {
        "unit": o.dinas.pk, "addressed_position": o.pos.kadis.pk, "sender_institution": "Bappeda",
        "number": "050/1/BAPPEDA", "letter_date": "2026-11-02", "received_date": "2026-11-03",
        "subject": "Undangan", "classification": "000.1.1 Telekomunikasi", "security": "biasa", "urgency": "biasa",
    }  # fmt: skip
    first = c.post(
        reverse("letters:register"),
        {**data, "files": [SimpleUploadedFile("s.pdf", sample_pdf(["a"]))]},
    )
    assert first.status_code == 302, first.context["form"].errors
    dup = c.post(
        reverse("letters:register"),
        {**data, "files": [SimpleUploadedFile("s.pdf", sample_pdf(["a"]))]},
    )
    assert dup.status_code == 200 and b"confirm_duplicate" in dup.content
    # The warning is shown once, with its link, not again as a form error.
    assert dup.content.decode().count("sama sudah dicatat") == 1
    assert Letter.objects.count() == 1
    confirmed = c.post(
        reverse("letters:register"),
        {
            **data,
            "confirm_duplicate": "on",
            "files": [SimpleUploadedFile("s.pdf", sample_pdf(["a"]))],
        },
    )
    assert confirmed.status_code == 302 and Letter.objects.count() == 2
    assert (
        client_for(o.users.staf_a).get(reverse("letters:register")).status_code == 403
    )


def _many(o: SimpleNamespace, n: int) -> None:
    for _i in range(n):
        letter = register(o, number=f"N/{Letter.objects.count()}", files=[])
        (d,) = disposition_create(
            actor=o.users.kadis,
            letter=letter,
            to_position_ids=[o.pos.kabid_a.pk],
            instructions=["Pelajari"],
            deadline=dt.date(2026, 11, 10),
        )
        disposition_create(
            actor=o.users.kabid_a,
            letter=letter,
            parent=d,
            to_position_ids=[o.pos.staf_a.pk],
            instructions=["Pelajari"],
        )


def test_inbox_and_letter_page_query_counts_do_not_grow(
    o: SimpleNamespace, django_assert_max_num_queries
) -> None:
    _many(o, 2)
    c = client_for(o.users.kabid_a)
    letter = Letter.objects.order_by("pk").first()
    assert letter is not None

    def count(path: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert c.get(path).status_code == 200
        return len(ctx.captured_queries)

    small = (
        count(reverse("letters:inbox")),
        count("/api/v1/inbox"),
        count(reverse("letters:detail", args=[letter.pk])),
    )
    _many(o, 6)
    large = (
        count(reverse("letters:inbox")),
        count("/api/v1/inbox"),
        count(reverse("letters:detail", args=[letter.pk])),
    )
    assert small == large
    with django_assert_max_num_queries(15):
        c.get("/api/v1/inbox")


def test_home_page_shows_inbox_counters(o: SimpleNamespace) -> None:
    letter = register(o)
    disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Pelajari"],
    )
    page = client_for(o.users.kabid_a).get(reverse("home"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "home-inbox" in body and "?state=unread" in body


def test_addressee_settles_a_letter_without_disposition(o: SimpleNamespace) -> None:
    letter = register(o)
    assert (
        api(o.users.kabid_a)
        .post(f"/api/v1/letters/{letter.pk}/done", {}, content_type="application/json")
        .status_code
        == 404
    )
    c = client_for(o.users.kadis)
    page = c.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert reverse("letters:done", args=[letter.pk]) in page
    c.post(reverse("letters:done", args=[letter.pk]), {"note": "Untuk diketahui"})
    letter.refresh_from_db()
    assert letter.status == "done" and letter.done_at is not None
    assert (
        api(o.users.kadis)
        .get("/api/v1/inbox", {"state": "done"})
        .json()["items"][0]["letter"]["id"]
        == letter.pk
    )
    again = api(o.users.kadis).post(
        f"/api/v1/letters/{letter.pk}/done", {}, content_type="application/json"
    )
    assert again.status_code == 409
    # A settled letter is not disposed any more: neither offered on its page nor
    # accepted by the service or the API.
    page = c.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert 'class="disposeform' not in page and 'id="dispose"' not in page
    with pytest.raises(Conflict) as refused:
        disposition_create(
            actor=o.users.kadis,
            letter=letter,
            to_position_ids=[o.pos.kabid_a.pk],
            instructions=["Pelajari"],
        )
    assert refused.value.code == "disposition.letter_done"
    posted = api(o.users.kadis).post(
        f"/api/v1/letters/{letter.pk}/dispositions",
        {"to_position_ids": [o.pos.kabid_a.pk], "instructions": ["Pelajari"]},
        content_type="application/json",
    )
    assert posted.status_code == 409, posted.content
    letter.refresh_from_db()
    assert letter.status == "done" and not letter.dispositions.exists()


def test_disposition_create_queries_do_not_grow_with_recipients_or_history(
    o: SimpleNamespace,
) -> None:
    """One recipient or three, on a letter with no disposition or a busy one: the
    same number of queries (holders, events and notifications are batched)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kadis = api(o.users.kadis)

    def count(letter: Letter, to: list[int]) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = kadis.post(
                f"/api/v1/letters/{letter.pk}/dispositions",
                {"to_position_ids": to, "instructions": ["Pelajari"]},
                content_type="application/json",
            )
        assert response.status_code == 201, response.content
        assert len(response.json()) == len(to)
        return len(ctx.captured_queries)

    one = count(register(o), [o.pos.kabid_a.pk])
    three = count(register(o), [o.pos.kabid_a.pk, o.pos.kabid_b.pk, o.pos.sekdis.pk])
    busy = register(o)
    count(busy, [o.pos.kabid_a.pk, o.pos.kabid_b.pk])
    again = count(busy, [o.pos.sekdis.pk])
    assert one == three == again
