"""Disposition transitions, recipient rules, deadlines and the letter's status."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from warkat.core.errors import Conflict, PermissionDenied, ValidationError
from warkat.dispositions.models import Disposition, DispositionRead, DispositionSettings
from warkat.dispositions.services.closing import (
    disposition_cancel,
    disposition_close,
    disposition_decline,
    disposition_return,
)
from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.dispositions.services.reading import disposition_read
from warkat.dispositions.workflow import ALLOWED_TRANSITIONS
from warkat.letters.models import Letter, LetterEvent
from warkat.letters.tests.factories import pdf_upload, register
from warkat.org.tests import factories as org

pytestmark = pytest.mark.django_db
DEADLINE = dt.date(2026, 11, 10)


def dispose(o, letter, to, actor=None, parent=None, **kw):
    return disposition_create(
        actor=actor or o.users.kadis,
        letter=letter,
        parent=parent,
        to_position_ids=[p.pk for p in to],
        instructions=kw.pop("instructions", ["Tindak lanjuti"]),
        deadline=kw.pop("deadline", DEADLINE),
        **kw,
    )


def snapshot():
    return (
        list(Disposition.objects.order_by("pk").values_list("pk", "state")),
        LetterEvent.objects.count(),
        list(Letter.objects.values_list("pk", "status")),
    )


def test_full_chain_register_dispose_redispose_follow_up_close(
    o: SimpleNamespace,
) -> None:
    letter = register(o)
    a, b = dispose(o, letter, [o.pos.kabid_a, o.pos.kabid_b], note="Segera dipelajari")
    letter.refresh_from_db()
    assert letter.status == "disposed"
    assert (a.state, a.from_capacity, a.from_person_id) == (
        "sent",
        "definitif",
        o.people.kadis.pk,
    )

    disposition_read(actor=o.users.kabid_a, disposition=a)
    disposition_read(actor=o.users.kabid_a, disposition=a)
    assert DispositionRead.objects.filter(disposition=a).count() == 2
    a.refresh_from_db()
    assert a.state == "read" and a.read_by_id == o.people.kabid_a.pk

    (child,) = dispose(o, letter, [o.pos.staf_a], actor=o.users.kabid_a, parent=a)
    a.refresh_from_db()
    assert a.state == "forwarded" and child.parent_id == a.pk

    fu = followup_create(
        actor=o.users.staf_a,
        disposition=child,
        text="Sudah dihadiri",
        files=[pdf_upload("laporan.pdf")],
    )
    child.refresh_from_db()
    assert child.state == "followed_up" and fu.files.count() == 1
    letter.refresh_from_db()
    assert letter.status == "followed_up"

    disposition_close(actor=o.users.kabid_a, disposition=child, note="Baik")
    disposition_close(actor=o.users.kadis, disposition=a, note="Selesai")
    disposition_decline(
        actor=o.users.kabid_b, disposition=b, reason="Bukan bidang kami"
    )
    disposition_close(actor=o.users.kadis, disposition=b, note="Selesai")
    letter.refresh_from_db()
    assert letter.status == "done"
    kinds = list(
        LetterEvent.objects.filter(letter=letter)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )
    assert (
        kinds[0] == "registered"
        and "followed_up" in kinds
        and kinds.count("closed") == 3
    )


def test_plt_acts_and_capacity_is_recorded(o: SimpleNamespace) -> None:
    letter = register(o)
    plt_person = org.person(o.tenant, full_name="Plt Kadis")
    org.assignment(
        o.tenant,
        plt_person,
        o.pos.kadis,
        kind="plt",
        start_date=dt.date(2026, 11, 1),
        end_date=dt.date(2026, 11, 30),
    )
    plt_user = org.user(o.tenant, person_=plt_person, username="pltkadis")
    (d,) = dispose(o, letter, [o.pos.kabid_a], actor=plt_user)
    assert d.from_capacity == "plt" and d.from_person_id == plt_person.pk


def test_recipient_outside_allowed_set_is_refused(o: SimpleNamespace) -> None:
    letter = register(o)
    before = snapshot()
    for target in (o.pos.kadinkes, o.pos.sekda, o.pos.kadis):
        with pytest.raises(ValidationError) as info:
            dispose(o, letter, [o.pos.kabid_a, target])
        assert info.value.code == "disposition.recipient_not_allowed"
        assert info.value.status_code == 422
    # Kabid A may not reach Kabid B's staff, nor a peer without the tenant setting.
    (a,) = dispose(o, letter, [o.pos.kabid_a])
    with pytest.raises(ValidationError):
        dispose(o, letter, [o.pos.staf_b], actor=o.users.kabid_a, parent=a)
    with pytest.raises(ValidationError):
        dispose(o, letter, [o.pos.kabid_b], actor=o.users.kabid_a, parent=a)
    DispositionSettings.objects.create(tenant=o.tenant, allow_same_level=True)
    (peer,) = dispose(o, letter, [o.pos.kabid_b], actor=o.users.kabid_a, parent=a)
    assert peer.to_position_id == o.pos.kabid_b.pk
    assert before[2] != snapshot()[2]


def test_head_reaches_whole_unit_subtree(o: SimpleNamespace) -> None:
    letter = register(o)
    (d,) = dispose(o, letter, [o.pos.staf_b])  # two levels down, through the unit
    assert d.to_position_id == o.pos.staf_b.pk


def test_deadline_in_past_and_bad_instruction_change_nothing(
    o: SimpleNamespace,
) -> None:
    letter = register(o)
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        dispose(o, letter, [o.pos.kabid_a], deadline=dt.date(2026, 11, 3))
    assert info.value.code == "disposition.deadline_past"
    with pytest.raises(ValidationError) as info:
        dispose(o, letter, [o.pos.kabid_a], instructions=["Bakar"])
    assert info.value.code == "disposition.instruction_unknown"
    with pytest.raises(ValidationError):
        dispose(o, letter, [o.pos.kabid_a], instructions=[])
    assert snapshot() == before


def test_only_holders_act(o: SimpleNamespace) -> None:
    letter = register(o)
    with pytest.raises(PermissionDenied):
        dispose(o, letter, [o.pos.kabid_a], actor=o.users.sekda)
    (a,) = dispose(o, letter, [o.pos.kabid_a])
    before = snapshot()
    with pytest.raises(PermissionDenied):
        disposition_read(actor=o.users.kabid_b, disposition=a)
    with pytest.raises(PermissionDenied):
        disposition_close(actor=o.users.kabid_a, disposition=a, note="Selesai")
    with pytest.raises(PermissionDenied):
        followup_create(actor=o.users.kadis, disposition=a, text="x")
    assert snapshot() == before


def test_wrong_state_is_a_conflict_and_changes_nothing(o: SimpleNamespace) -> None:
    letter = register(o)
    (a,) = dispose(o, letter, [o.pos.kabid_a])
    disposition_read(actor=o.users.kabid_a, disposition=a)
    before = snapshot()
    with pytest.raises(Conflict) as info:
        disposition_cancel(actor=o.users.kadis, disposition=a)  # already read
    assert (
        info.value.code == "disposition.wrong_state" and info.value.status_code == 409
    )
    with pytest.raises(Conflict):
        disposition_return(
            actor=o.users.kadis, disposition=a, note="x"
        )  # nothing to return
    assert snapshot() == before
    followup_create(actor=o.users.kabid_a, disposition=a, text="Selesai")
    with pytest.raises(Conflict):
        disposition_decline(actor=o.users.kabid_a, disposition=a, reason="terlambat")
    disposition_close(actor=o.users.kadis, disposition=a, note="Selesai")
    with pytest.raises(Conflict):
        followup_create(actor=o.users.kabid_a, disposition=a, text="lagi")


def test_cancel_only_while_unread_and_return_reopens(o: SimpleNamespace) -> None:
    letter = register(o)
    a, b = dispose(o, letter, [o.pos.kabid_a, o.pos.kabid_b])
    disposition_cancel(actor=o.users.kadis, disposition=b)
    b.refresh_from_db()
    assert b.state == "cancelled"
    # Cancelled ones may be sent again.
    (b2,) = dispose(o, letter, [o.pos.kabid_b])
    assert b2.pk != b.pk
    with pytest.raises(Conflict):
        dispose(o, letter, [o.pos.kabid_a])
    followup_create(actor=o.users.kabid_a, disposition=a, text="Draf jawaban siap")
    with pytest.raises(ValidationError):
        disposition_return(actor=o.users.kadis, disposition=a, note=" ")
    disposition_return(actor=o.users.kadis, disposition=a, note="Lengkapi data")
    a.refresh_from_db()
    assert a.state == "returned"
    followup_create(actor=o.users.kabid_a, disposition=a, text="Sudah dilengkapi")
    a.refresh_from_db()
    assert a.state == "followed_up" and a.follow_ups.count() == 2


def test_recipient_action_on_unread_records_the_read(o: SimpleNamespace) -> None:
    letter = register(o)
    (a,) = dispose(o, letter, [o.pos.kabid_a])
    disposition_decline(actor=o.users.kabid_a, disposition=a, reason="Salah alamat")
    a.refresh_from_db()
    assert a.state == "declined" and a.read_at is not None
    assert DispositionRead.objects.filter(disposition=a).count() == 1


def test_transition_table_is_complete() -> None:
    states = {s for sources, _t in ALLOWED_TRANSITIONS.values() for s in sources}
    assert "closed" not in states and "cancelled" not in states
    assert ALLOWED_TRANSITIONS["cancel"][0] == {"sent"}


def test_notifications_queued_after_commit_only(
    o: SimpleNamespace, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    from warkat.notify.models import Notification

    letter = register(o)
    with django_capture_on_commit_callbacks(execute=True):
        dispose(o, letter, [o.pos.kabid_a])
    note = Notification.objects.get(person=o.people.kabid_a)
    assert letter.subject in note.title
    assert any(letter.subject in m.subject for m in mailoutbox)


def test_candidates_short_list_and_search(o: SimpleNamespace) -> None:
    from warkat.dispositions.rules import disposition_candidates

    short = {p.name for p in disposition_candidates(from_position=o.pos.kadis)}
    assert short == {"Sekretaris Dinas Kominfo", "Kabid Aplikasi", "Kabid Statistik"}
    found = {
        p.name
        for p in disposition_candidates(from_position=o.pos.kadis, query="statist")
    }
    assert found == {"Kabid Statistik", "Statistisi"}
    # Not a head: only down its own superior chain.
    assert {p.name for p in disposition_candidates(from_position=o.pos.sekdis, query="a")} == {
        "Pengadministrasi Umum", "Analis Kebijakan",
    }  # fmt: skip
    assert not disposition_candidates(from_position=o.pos.kabid_a, query="statist")


def test_disposing_again_names_only_the_live_recipients_and_changes_nothing(
    o: SimpleNamespace,
) -> None:
    letter = register(o)
    dispose(o, letter, [o.pos.kabid_a])
    before = Disposition.objects.count()
    with pytest.raises(Conflict) as exc:
        dispose(o, letter, [o.pos.sekdis, o.pos.kabid_a])
    assert exc.value.code == "disposition.already_sent"
    names = exc.value.as_dict()["message_en"]
    assert o.pos.kabid_a.name in names and o.pos.sekdis.name not in names
    assert Disposition.objects.count() == before
    # The check is per sender: the recipient still disposes further.
    (parent,) = Disposition.objects.filter(letter=letter)
    dispose(o, letter, [o.pos.staf_a], actor=o.users.kabid_a, parent=parent)
