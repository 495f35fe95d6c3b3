"""Drafting and review: versions, the paraf chain, each transition and its refusals."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from warkat.audit.models import AuditEvent
from warkat.core.errors import Conflict, PermissionDenied, ValidationError
from warkat.drafting.fields import RecipientInput
from warkat.drafting.models import Draft, DraftVersion, Recipient, ReviewStep
from warkat.drafting.selectors import (
    drafts_mine,
    drafts_to_review,
    drafts_to_sign,
    versions_compare,
)
from warkat.drafting.services.chain import StepInput, chain_build, chain_set
from warkat.drafting.services.drafts import draft_update, review_edit
from warkat.drafting.services.review import draft_submit, review_approve, review_return
from warkat.drafting.tests.factories import approved, draft, fields
from warkat.drafting.workflow import ALLOWED_TRANSITIONS
from warkat.letters.models import Letter, LetterEvent
from warkat.org.tests import factories as org

pytestmark = pytest.mark.django_db


def snapshot(d: Draft) -> tuple:
    d = Draft.objects.get(pk=d.pk)
    return (
        d.state, d.version, d.round, d.body,
        list(ReviewStep.objects.filter(draft=d).order_by("pk").values_list("state", "round")),
        Letter.objects.get(pk=d.letter_id).status,
    )  # fmt: skip


def test_create_keeps_version_and_sanitises(o: SimpleNamespace) -> None:
    d = draft(o, body='<p onclick="x()">Isi<script>alert(1)</script></p>')
    assert d.state == "draft" and d.version == 1
    assert d.body == "<p>Isi</p>"
    letter = d.letter
    assert (
        letter.direction == "outgoing"
        and letter.unit == o.dinas
        and letter.status == "draft"
    )
    assert letter.number == ""
    v = DraftVersion.objects.get(draft=d)
    assert v.data["subject"] == "Permohonan data statistik sektoral"
    assert v.data["to"] == ["Kepala Dinas Kesehatan"] and v.data["copies"] == [
        "Sekretaris Daerah"
    ]
    assert AuditEvent.objects.filter(action="drafting.create").count() == 1
    assert LetterEvent.objects.filter(letter=letter, kind="drafted").count() == 1


def test_every_save_is_a_version_and_versions_compare(o: SimpleNamespace) -> None:
    d = draft(o)
    draft_update(
        actor=o.users.staf_a,
        draft=d,
        fields=fields(
            o,
            subject="Hal baru",
            body="<p>Bersama ini kami mohon data.</p><p>Terima kasih.</p>",
        ),
    )
    draft_update(
        actor=o.users.staf_a,
        draft=d,
        fields=fields(o, subject="Hal baru", body="<p>Isi ketiga &lt;b&gt;</p>"),
    )
    assert list(
        DraftVersion.objects.filter(draft=d)
        .order_by("number")
        .values_list("number", flat=True)
    ) == [1, 2, 3]
    cmp = versions_compare(draft=d, a=1, b=2)
    changed = [(old, new) for _label, old, new in cmp["fields"]]
    assert changed == [("Permohonan data statistik sektoral", "Hal baru")]
    assert "Terima&nbsp;kasih." in cmp["table"]
    cmp13 = versions_compare(draft=d, a=3, b=1)
    assert cmp13["old"].number == 1 and "&lt;b&gt;" in cmp13["table"]
    with pytest.raises(ValidationError):
        versions_compare(draft=d, a=1, b=9)


def test_chain_from_drafter_up_to_signer(o: SimpleNamespace) -> None:
    assert chain_build(drafter_position=o.pos.staf_a, signer_position=o.pos.kadis) == [
        o.pos.kabid_a
    ]
    assert chain_build(drafter_position=o.pos.staf_a, signer_position=o.pos.sekda) == [
        o.pos.kabid_a,
        o.pos.kadis,
    ]
    # The Sekretaris Dinas is beside the drafter's line: the chain stops below
    # their common superior (the Kepala Dinas).
    assert chain_build(drafter_position=o.pos.staf_a, signer_position=o.pos.sekdis) == [
        o.pos.kabid_a
    ]
    assert chain_build(drafter_position=o.pos.kadis, signer_position=o.pos.kadis) == []
    d = draft(o)
    steps = list(ReviewStep.objects.filter(draft=d).order_by("order"))
    assert [(s.position, s.kind) for s in steps] == [
        (o.pos.kabid_a, "hierarchy"),
        (o.pos.kadis, "signer"),
    ]


def test_drafter_adjusts_chain(o: SimpleNamespace) -> None:
    d = draft(o)
    steps = chain_set(
        actor=o.users.staf_a,
        draft=d,
        steps=[
            StepInput(o.pos.kabid_a),
            StepInput(o.pos.kabid_b, "coordination"),
            StepInput(o.pos.sekdis),
        ],
    )
    assert [(s.position, s.kind) for s in steps] == [
        (o.pos.kabid_a, "hierarchy"), (o.pos.kabid_b, "coordination"),
        (o.pos.sekdis, "hierarchy"), (o.pos.kadis, "signer"),
    ]  # fmt: skip
    before = snapshot(d)
    for bad in (
        [StepInput(o.pos.kabid_a), StepInput(o.pos.kabid_a)],
        [StepInput(o.pos.kadis)],
        [StepInput(o.pos.kabid_a, "signer")],
    ):
        with pytest.raises(ValidationError):
            chain_set(actor=o.users.staf_a, draft=d, steps=bad)
    with pytest.raises(PermissionDenied):
        chain_set(actor=o.users.kabid_a, draft=d, steps=[])
    assert snapshot(d) == before


def test_full_review_path(o: SimpleNamespace) -> None:
    d = draft(o)
    assert list(drafts_mine(user=o.users.staf_a)) == [d]
    draft_submit(actor=o.users.staf_a, draft=d)
    assert d.state == "in_review"
    assert list(drafts_to_review(user=o.users.kabid_a)) == [d]
    assert list(drafts_to_review(user=o.users.kadis)) == []
    step = review_approve(actor=o.users.kabid_a, draft=d, note="OK")
    assert (
        step.state == "approved"
        and step.acted_capacity == "definitif"
        and step.acted_by == o.people.kabid_a
    )
    d.refresh_from_db()
    assert d.state == "approved" and d.letter.status == "approved"
    assert list(drafts_to_sign(user=o.users.kadis)) == [d]
    assert list(drafts_to_review(user=o.users.kabid_a)) == []


def test_return_by_reviewer_and_new_round(o: SimpleNamespace) -> None:
    d = draft(o)
    draft_submit(actor=o.users.staf_a, draft=d)
    with pytest.raises(ValidationError):
        review_return(actor=o.users.kabid_a, draft=d, note=" ")
    review_return(actor=o.users.kabid_a, draft=d, note="Perbaiki alinea kedua")
    d.refresh_from_db()
    assert d.state == "draft" and d.round == 2 and d.letter.status == "draft"
    old = ReviewStep.objects.get(draft=d, round=1, order=0)
    assert old.state == "returned" and old.note == "Perbaiki alinea kedua"
    assert list(ReviewStep.objects.filter(draft=d, round=2).order_by("order").values_list("position", "state")) == [
        (o.pos.kabid_a.pk, "pending"), (o.pos.kadis.pk, "pending"),
    ]  # fmt: skip
    draft_update(
        actor=o.users.staf_a, draft=d, fields=fields(o, body="<p>Sudah diperbaiki</p>")
    )
    draft_submit(actor=o.users.staf_a, draft=d)
    review_approve(actor=o.users.kabid_a, draft=d)
    d.refresh_from_db()
    assert d.state == "approved"


def test_signer_may_return(o: SimpleNamespace) -> None:
    d = approved(o)
    with pytest.raises(PermissionDenied):
        review_return(actor=o.users.kabid_a, draft=d, note="x")
    review_return(actor=o.users.kadis, draft=d, note="Ganti tembusan")
    d.refresh_from_db()
    assert d.state == "draft"
    assert ReviewStep.objects.get(draft=d, round=1, kind="signer").state == "returned"


def test_reviewer_edits_make_a_version(o: SimpleNamespace) -> None:
    d = draft(o)
    draft_submit(actor=o.users.staf_a, draft=d)
    v = review_edit(
        actor=o.users.kabid_a,
        draft=d,
        fields=fields(o, body="<p>Diperbaiki kabid</p>"),
        note="redaksi",
    )
    assert (
        v.number == 2
        and v.author == o.people.kabid_a
        and v.author_capacity == "definitif"
    )
    d.refresh_from_db()
    assert d.state == "in_review" and d.body == "<p>Diperbaiki kabid</p>"
    # Not their turn, or changing the signer in review: refused, nothing changes.
    before = snapshot(d)
    with pytest.raises(PermissionDenied):
        review_edit(actor=o.users.kabid_b, draft=d, fields=fields(o))
    with pytest.raises(ValidationError):
        review_edit(
            actor=o.users.kabid_a,
            draft=d,
            fields=fields(o, signer_position=o.pos.sekda),
        )
    with pytest.raises(Conflict):
        draft_update(actor=o.users.staf_a, draft=d, fields=fields(o))
    assert snapshot(d) == before


@pytest.mark.parametrize("who", ["kabid_b", "outsider", "kadis", "staf_a", "admin"])
def test_approve_by_wrong_person_changes_nothing(o: SimpleNamespace, who: str) -> None:
    d = draft(o)
    draft_submit(actor=o.users.staf_a, draft=d)
    before = snapshot(d)
    with pytest.raises(PermissionDenied):
        review_approve(actor=getattr(o.users, who), draft=d)
    assert snapshot(d) == before


def test_wrong_state_refused(o: SimpleNamespace) -> None:
    d = draft(o)
    before = snapshot(d)
    with pytest.raises(Conflict):
        review_approve(actor=o.users.kabid_a, draft=d)
    with pytest.raises(Conflict):
        review_return(actor=o.users.kabid_a, draft=d, note="x")
    with pytest.raises(PermissionDenied):
        draft_submit(actor=o.users.kabid_a, draft=d)
    assert snapshot(d) == before
    draft_submit(actor=o.users.staf_a, draft=d)
    with pytest.raises(Conflict):
        draft_submit(actor=o.users.staf_a, draft=d)
    with pytest.raises(Conflict):
        chain_set(actor=o.users.staf_a, draft=d, steps=[])


def test_submit_needs_a_complete_draft(o: SimpleNamespace) -> None:
    d = draft(o, body="<script>x</script>", recipients=[])
    with pytest.raises(ValidationError) as exc:
        draft_submit(actor=o.users.staf_a, draft=d)
    assert exc.value.code == "drafting.body_required"


def test_drafter_signing_own_letter_goes_straight_to_signer(o: SimpleNamespace) -> None:
    d = draft(o, actor=o.users.kadis)
    draft_submit(actor=o.users.kadis, draft=d)
    assert d.state == "approved"


def test_plt_reviewer_is_recorded(o: SimpleNamespace) -> None:
    import datetime as dt

    d = draft(o)
    draft_submit(actor=o.users.staf_a, draft=d)
    plt = org.person(o.tenant, full_name="Pelaksana Tugas")
    org.assignment(
        o.tenant,
        plt,
        o.pos.kabid_a,
        kind="plh",
        start_date=dt.date(2026, 11, 1),
        end_date=dt.date(2026, 11, 30),
    )
    user = org.user(o.tenant, person_=plt)
    step = review_approve(actor=user, draft=d)
    assert step.acted_capacity == "plh" and step.acted_by == plt


def test_recipients_validation(o: SimpleNamespace, other_tenant: object) -> None:
    with pytest.raises(ValidationError):
        draft(o, recipients=[RecipientInput(kind="external", label="  ")])
    with pytest.raises(ValidationError):
        draft(
            o,
            recipients=[
                RecipientInput(kind="external", label="PT X", email="bukan-email")
            ],
        )
    with pytest.raises(ValidationError):
        draft(
            o,
            recipients=[RecipientInput(kind="position", target_id=o.pos.kadinkes.pk)]
            * 2,
        )
    with pytest.raises(ValidationError):
        draft(o, recipients=[RecipientInput(kind="position", target_id=999999)])
    from warkat.drafting.tests.factories import naskah

    with pytest.raises(ValidationError):
        draft(o, naskah_type=naskah(o.tenant, "nota-dinas"),
              recipients=[RecipientInput(kind="external", label="PT X", email="x@y.invalid")])  # fmt: skip


def test_cross_tenant_recipient(o: SimpleNamespace, other_tenant: Any) -> None:
    from warkat.org.models import Position
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(other_tenant):
        target = org.position(
            other_tenant,
            name="Kepala Dinas Kominfo Gorontalo",
            category="jpt",
            is_head=True,
        )  # type: ignore[arg-type]
    d = draft(o, recipients=[RecipientInput(kind="position", target_id=target.pk)])
    r = Recipient.objects.get(draft=d)
    assert r.target_tenant_id == other_tenant.pk  # type: ignore[attr-defined]
    assert r.label.startswith("Kepala Dinas Kominfo Gorontalo")
    assert (
        Position.objects.filter(pk=target.pk).count() == 0
    )  # still invisible in this scope


def test_transition_table_is_closed() -> None:
    states = set(ALLOWED_TRANSITIONS)
    for targets in ALLOWED_TRANSITIONS.values():
        assert targets <= states
    assert ALLOWED_TRANSITIONS["sent"] == frozenset()


def test_submit_needs_a_holder_of_the_signing_position(o: SimpleNamespace) -> None:
    vacant = org.position(
        o.tenant,
        o.bid_a,
        name="Kepala Seksi Kosong",
        category="pengawas",
        superior=o.pos.kabid_a,
    )
    d = draft(o, signer_position=vacant)
    with pytest.raises(ValidationError) as exc:
        draft_submit(actor=o.users.staf_a, draft=d)
    assert exc.value.code == "drafting.signer_vacant"
    assert Draft.objects.get(pk=d.pk).state == "draft"


def test_notices_follow_the_turn(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    from django.urls import reverse

    from warkat.notify.models import Notification

    d = draft(o, security="rahasia")
    with django_capture_on_commit_callbacks(execute=True):
        draft_submit(actor=o.users.staf_a, draft=d)
    note = Notification.objects.get(kind="drafting.review")
    assert note.person == o.people.kabid_a
    assert note.url == reverse("drafting:detail", args=[d.letter_id])
    with django_capture_on_commit_callbacks(execute=True):
        review_approve(actor=o.users.kabid_a, draft=d)
    assert Notification.objects.get(kind="drafting.sign").person == o.people.kadis
    with django_capture_on_commit_callbacks(execute=True):
        review_return(actor=o.users.kadis, draft=d, note="Perbaiki")
    assert Notification.objects.get(kind="drafting.returned").person == o.people.staf_a
    # Only people in the chain were told.
    assert set(Notification.objects.values_list("person", flat=True)) == {
        o.people.kabid_a.pk, o.people.kadis.pk, o.people.staf_a.pk,
    }  # fmt: skip
