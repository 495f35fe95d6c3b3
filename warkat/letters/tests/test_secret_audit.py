"""The audit log names a Rahasia letter by its agenda line: auditors and tenant
admins read the log but are not the letter's readers."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.test import Client

from warkat.audit.models import AuditEvent
from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.drafting.tests.factories import approved
from warkat.letters.tests.factories import register

pytestmark = pytest.mark.django_db
SECRET = "investigasi"


def test_secret_subjects_and_reports_stay_out_of_the_audit_log(
    o: SimpleNamespace,
) -> None:
    letter = register(o, subject=f"Hasil audit {SECRET} RAHASIA", security="rahasia")
    (d,) = disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Pelajari"],
    )
    followup_create(
        actor=o.users.kabid_a, disposition=d, text=f"Temuan {SECRET} terlampir"
    )
    approved(o, subject=f"Tanggapan {SECRET}", security="rahasia")
    plain = register(o, subject="Undangan musrenbang", number="U/1")
    events = list(AuditEvent.objects.all())
    assert events
    for event in events:
        assert SECRET not in event.object_repr, event.action
        assert SECRET not in json.dumps(event.data), event.action
    reprs = {e.object_repr for e in events}
    # Named in the log's language (Indonesian), whatever the recording user's UI.
    assert f"[rahasia] surat masuk {letter.agenda_label}" in reprs
    assert plain.subject in reprs  # a Biasa letter keeps its subject
    admin = Client()
    admin.force_login(o.users.admin)
    page = admin.get("/audit/")
    assert page.status_code == 200 and SECRET.encode() not in page.content
