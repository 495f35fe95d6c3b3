"""A follow-up may cite the reply letter: by id in the API, by number in the form;
only a letter the reporter may see (read in full, or a draft in their chain)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from warkat.core.errors import ValidationError
from warkat.dispositions.models import FollowUp
from warkat.dispositions.rules import reply_letter_find
from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.drafting.tests.factories import approved, draft
from warkat.letters.tests.factories import register

pytestmark = pytest.mark.django_db


def _disposed(o: SimpleNamespace):
    letter = register(o, subject="Permintaan data sektoral")
    (d,) = disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Siapkan jawaban"],
    )
    return letter, d


def test_reply_letter_in_the_reporters_chain_is_linked(o: SimpleNamespace) -> None:
    _letter, d = _disposed(o)
    reply = approved(o, subject="Jawaban permintaan data")  # paraf by kabid_a
    fu = followup_create(
        actor=o.users.kabid_a,
        disposition=d,
        text="Jawaban sudah disiapkan",
        reply_letter=reply.letter,
    )
    assert fu.reply_letter_id == reply.letter_id


def test_reply_letter_outside_the_reporters_chain_is_refused(
    o: SimpleNamespace,
) -> None:
    _letter, d = _disposed(o)
    foreign = draft(o, actor=o.users.staf_b, subject="Surat lain")
    assert reply_letter_find(user=o.users.kabid_a, letter_id=foreign.letter_id) is None
    with pytest.raises(ValidationError) as err:
        followup_create(
            actor=o.users.kabid_a,
            disposition=d,
            text="Sudah",
            reply_letter=foreign.letter,
        )
    assert err.value.code == "followup.reply_letter_invalid"
    assert not FollowUp.objects.exists()


def test_form_links_reply_by_number_and_page_shows_it(o: SimpleNamespace) -> None:
    letter, d = _disposed(o)
    reply = approved(o, subject="Jawaban permintaan data")
    reply.letter.number = "000.1.1/017/KOMINFO/XI/2026"
    reply.letter.save(update_fields=["number"])
    client = Client()
    client.force_login(o.users.kabid_a)
    url = f"/disposisi/{d.pk}/tindak-lanjut/"
    # An unknown number: nothing is saved, the reporter is told why.
    r = client.post(url, {"text": "Sudah", "reply_number": "999/X/2026"}, follow=True)
    assert "Surat balasan tidak ditemukan" in r.content.decode()
    assert not FollowUp.objects.exists()
    r = client.post(
        url,
        {"text": "Jawaban terkirim", "reply_number": " 000.1.1/017/KOMINFO/XI/2026 "},
        follow=True,
    )
    assert FollowUp.objects.get().reply_letter_id == reply.letter_id
    page = client.get(f"/surat/{letter.pk}/").content.decode()
    assert f'href="/naskah/{reply.letter_id}/"' in page
    assert "000.1.1/017/KOMINFO/XI/2026" in page


def test_api_follow_up_with_reply_letter_id(o: SimpleNamespace) -> None:
    _letter, d = _disposed(o)
    reply = approved(o, subject="Jawaban")
    foreign = draft(o, actor=o.users.staf_b, subject="Surat lain")
    client = Client()
    client.force_login(o.users.kabid_a)
    url = f"/api/v1/dispositions/{d.pk}/follow-ups"
    r = client.post(url, {"text": "Sudah", "reply_letter_id": foreign.letter_id})
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "followup.reply_letter_invalid"
    r = client.post(url, {"text": "Sudah", "reply_letter_id": reply.letter_id})
    assert r.status_code == 201, r.content
    detail = client.get(f"/api/v1/letters/{d.letter_id}").json()
    (node,) = detail["dispositions"]
    assert node["follow_ups"][0]["reply_letter_id"] == reply.letter_id
