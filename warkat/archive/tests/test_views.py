"""The archive pages: who sees what, secrecy of Rahasia letters on every list and
in the berita acara, constant queries, the settings and holds pages."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from warkat.archive.documents import berita_acara_render
from warkat.archive.models import AppraisalMember, ArchiveSettings, DisposalBatch
from warkat.archive.tests.conftest import old_letter
from warkat.archive.tests.flow import destruction
from warkat.letters.tests.factories import client_for

pytestmark = pytest.mark.django_db
SECRET = "Hasil audit investigasi dana hibah"


def _secret(arc: SimpleNamespace, **kw: Any) -> Any:
    return old_letter(arc, 2019, security="rahasia", subject=SECRET, **kw)


def test_unit_page_lists_what_is_due_without_secret_subjects(
    arc: SimpleNamespace,
) -> None:
    plain = old_letter(arc, 2024)
    secret = old_letter(arc, 2024, security="rahasia", subject=SECRET)
    url = reverse("archive:unit", args=[arc.dinas.pk]) + "?kind=pemindahan"
    for user in (arc.users.tu, arc.users.arsiparis, arc.users.admin):
        body = client_for(user).get(url).content.decode()
        assert plain.subject in body and secret.agenda_label in body
        assert SECRET not in body
    for user in (arc.users.outsider, arc.users.kadis, arc.users.staf_a):
        assert client_for(user).get(url).status_code == 403
    # The TU of the dinas does not see another unit's list.
    assert (
        client_for(arc.users.tu)
        .get(reverse("archive:unit", args=[arc.other.pk]))
        .status_code
        == 403
    )


def test_unit_page_queries_do_not_grow_with_the_letters(arc: SimpleNamespace) -> None:
    client = client_for(arc.users.arsiparis)
    url = reverse("archive:unit", args=[arc.root.pk]) + "?kind=pemusnahan"
    old_letter(arc, 2019)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        old_letter(arc, 2019)
    _secret(arc)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    # +2 once there is a secret row: the user's positions and which secret rows
    # they may read in full; never one per letter.
    assert len(many) <= len(few) + 2


def test_batch_page_and_berita_acara_keep_the_secret(arc: SimpleNamespace) -> None:
    secret = _secret(arc)
    # The records clerk is the addressee of this one: in its chain.
    mine = _secret(
        arc,
        addressed_position=arc.pos.arsiparis,
        unit=arc.umum,
        actor=arc.users.arsiparis,
    )
    batch = destruction(arc, [secret, mine])
    url = reverse("archive:batch", args=[batch.pk])
    for user in (
        arc.users.sekda,
        arc.users.kadinkes,
        arc.users.bupati,
        arc.users.admin,
    ):
        body = client_for(user).get(url).content.decode()
        assert SECRET not in body and "[rahasia]" in body
    body = client_for(arc.users.arsiparis).get(url).content.decode()
    assert body.count(SECRET) == 1  # its own letter only
    for user in (arc.users.outsider, arc.users.kadis, arc.users.tu):
        assert client_for(user).get(url).status_code == 404
    pdf = berita_acara_render(batch=batch, day=dt.date(2026, 11, 4), footer="").pdf
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert SECRET not in text and "[rahasia]" in text
    # Not signed yet: no berita acara to download, no package.
    client = client_for(arc.users.arsiparis)
    assert (
        client.get(reverse("archive:berita_acara", args=[batch.pk])).status_code == 404
    )
    assert client.get(reverse("archive:package", args=[batch.pk])).status_code == 404


def test_propose_and_appraise_through_the_pages(arc: SimpleNamespace) -> None:
    letter = old_letter(arc, 2019)
    client = client_for(arc.users.arsiparis)
    response = client.post(
        reverse("archive:propose", args=[arc.root.pk]),
        {"kind": "pemusnahan", "letter": [str(letter.pk)], "title": "Usul musnah 2026"},
    )
    batch = DisposalBatch.objects.get()
    assert response.status_code == 302 and batch.title == "Usul musnah 2026"
    assert (
        client_for(arc.users.tu)
        .post(
            reverse("archive:propose", args=[arc.root.pk]),
            {"kind": "pemusnahan", "letter": [str(letter.pk)]},
        )
        .status_code
        == 403
    )
    act = reverse("archive:batch_act", args=[batch.pk, "agree"])
    client_for(arc.users.sekda).post(act, {"note": "Sesuai JRA"})
    client_for(arc.users.kadinkes).post(act)
    batch.refresh_from_db()
    assert batch.state == "appraised"
    index = client_for(arc.users.bupati).get(reverse("archive:index")).content.decode()
    assert "Usul musnah 2026" in index
    assert client_for(arc.users.staf_a).get(reverse("archive:index")).status_code == 403


def test_holds_page_and_settings_page(arc: SimpleNamespace) -> None:
    secret = _secret(arc)
    client = client_for(arc.users.arsiparis)
    assert (
        client.post(
            reverse("archive:holds"), {"letter_id": secret.pk, "reason": "Perkara"}
        ).status_code
        == 302
    )
    body = client.get(reverse("archive:holds")).content.decode()
    assert "Perkara" in body and SECRET not in body
    assert client_for(arc.users.tu).get(reverse("archive:holds")).status_code == 403
    admin = client_for(arc.users.admin)
    assert admin.get(reverse("archive:settings")).status_code == 200
    assert client.get(reverse("archive:settings")).status_code == 403
    response = admin.post(
        reverse("archive:settings"),
        {
            "records_unit": arc.umum.pk,
            "records_head": arc.pos.kabag_umum.pk,
            "approver": arc.pos.bupati.pk,
            "regional_archive": "DPK Papua",
            "chair": arc.pos.sekda.pk,
            "members": [arc.pos.kadinkes.pk, arc.pos.kabid_a.pk],
        },
    )
    assert response.status_code == 302
    assert ArchiveSettings.objects.get().regional_archive == "DPK Papua"
    assert set(AppraisalMember.objects.values_list("position_id", flat=True)) == {
        arc.pos.sekda.pk,
        arc.pos.kadinkes.pk,
        arc.pos.kabid_a.pk,
    }


def test_api_lists_and_batch_keep_the_secret(arc: SimpleNamespace) -> None:
    secret = _secret(arc)
    batch = destruction(arc, [secret, old_letter(arc, 2019)])
    sekda = client_for(arc.users.sekda)
    listed = sekda.get("/api/v1/archive/batches").json()
    assert [b["id"] for b in listed] == [batch.pk] and listed[0]["letters"] == 2
    detail = sekda.get(f"/api/v1/archive/batches/{batch.pk}")
    assert detail.status_code == 200 and SECRET not in detail.content.decode()
    assert "[rahasia]" in detail.content.decode()
    outsider = client_for(arc.users.outsider)
    assert outsider.get("/api/v1/archive/batches").json() == []
    assert outsider.get(f"/api/v1/archive/batches/{batch.pk}").status_code == 404
