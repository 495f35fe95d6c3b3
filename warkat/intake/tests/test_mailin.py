"""Mail-in against a real IMAP server (Dovecot on loopback): e-mails with PDFs
become draft items for the TU, nothing twice, bad messages refused with a reason."""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.audit.models import AuditEvent
from warkat.intake import imap
from warkat.intake.errors import MailboxUnavailable
from warkat.intake.fetching import mailbox_fetch
from warkat.intake.models import InboundFile, InboundItem, Mailbox
from warkat.intake.services.items import item_complete
from warkat.intake.services.mailboxes import mailbox_connect
from warkat.intake.tests.dovecot import PASSWORD, Dovecot
from warkat.intake.tests.mails import BROKEN_MIME, letter_mail
from warkat.letters.models import Letter, LetterFile
from warkat.letters.tests.conftest import stored_files
from warkat.letters.tests.factories import leaf_code

pytestmark = pytest.mark.django_db


def connect(o: SimpleNamespace, dovecot: Dovecot, **kw: Any) -> tuple[Mailbox, str]:
    user = dovecot.new_user()
    values: dict[str, Any] = {
        "actor": o.users.admin,
        "unit": o.dinas,
        "host": "127.0.0.1",
        "port": dovecot.port,
        "use_tls": False,
        "username": user,
        "password": PASSWORD,
    }
    values.update(kw)
    return mailbox_connect(**values), user


def test_password_is_sealed_at_rest(o: SimpleNamespace, dovecot: Dovecot) -> None:
    mailbox, _user = connect(o, dovecot)
    assert PASSWORD not in mailbox.password_sealed
    assert mailbox.password_sealed.startswith("wk1:")


def test_mail_with_two_pdfs_becomes_a_draft_then_a_registration(
    o: SimpleNamespace, dovecot: Dovecot, media: Any
) -> None:
    mailbox, user = connect(o, dovecot)
    dovecot.append(user, PASSWORD, letter_mail())
    assert mailbox_fetch(mailbox_id=mailbox.pk) == 1
    item = InboundItem.objects.get()
    assert item.state == "pending" and item.unit == o.dinas
    assert item.sender_email == "kominfo@papua.invalid"
    assert item.sender_name == "Dinas Kominfo Provinsi"
    assert item.subject == "Undangan rapat koordinasi SPBE"
    assert item.sent_at is not None and item.sent_at.isoformat().startswith(
        "2026-11-02"
    )
    assert item.ignored_files == ["logo.png"]
    files = list(item.files.all())
    assert [f.original_name for f in files] == ["surat-0.pdf", "surat-1.pdf"]
    assert all(f.storage_name.startswith(f"{o.tenant.pk}/") for f in files)
    # Nothing is registered without a person.
    assert Letter.objects.count() == 0
    assert AuditEvent.objects.filter(action="intake.mail_receive").count() == 1

    letter = item_complete(
        actor=o.users.tu,
        item_id=item.pk,
        addressed_position=o.pos.kadis,
        subject=item.subject,
        classification=leaf_code(),
        number="005/77/KOMINFO-PROV",
        letter_date=None,
        sender_institution="Dinas Kominfo Provinsi Papua",
        sender_name=item.sender_name,
    )
    item.refresh_from_db()
    assert item.state == "registered" and item.letter == letter
    assert letter.agenda_number == 1 and letter.registered_by == o.users.tu
    assert LetterFile.objects.filter(letter=letter).count() == 2
    assert AuditEvent.objects.filter(action="intake.item_register").count() == 1


def test_fetching_again_imports_nothing_twice(
    o: SimpleNamespace, dovecot: Dovecot
) -> None:
    mailbox, user = connect(o, dovecot)
    dovecot.append(user, PASSWORD, letter_mail())
    assert mailbox_fetch(mailbox_id=mailbox.pk) == 1
    assert mailbox_fetch(mailbox_id=mailbox.pk) == 0
    # The same message again (a new UID, the same Message-ID): still one item.
    dovecot.append(user, PASSWORD, letter_mail())
    assert mailbox_fetch(mailbox_id=mailbox.pk) == 0
    # Forgetting the UIDs (a rebuilt folder) does not import it again either.
    Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=0)
    assert mailbox_fetch(mailbox_id=mailbox.pk) == 0
    dovecot.append(user, PASSWORD, letter_mail(message_id="<surat-2@papua.invalid>"))
    assert mailbox_fetch(mailbox_id=mailbox.pk) == 1
    assert InboundItem.objects.count() == 2
    assert Mailbox.objects.get(pk=mailbox.pk).last_uid == 3


def test_a_100_mb_message_is_refused_unread(
    o: SimpleNamespace, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch, media: Any
) -> None:
    mailbox, user = connect(o, dovecot)
    size = 100 * 1024 * 1024 + 4096
    header = (
        b"From: Pengirim <besar@papua.invalid>\r\nSubject: Berkas besar\r\n"
        b"Message-ID: <besar@papua.invalid>\r\n\r\n"
    )
    # A sparse Maildir file (no 100 MB written): Dovecot takes its size from the name.
    path = dovecot.maildir_new(user) / f"1700000000.M1P1.test,S={size}"
    with path.open("wb") as handle:
        handle.write(header)
        handle.truncate(size)
    os.chown(path, *_owner(path.parent))
    read: list[int] = []
    original = imap.Session.message

    def message(self: imap.Session, uid: int) -> bytes:
        read.append(uid)
        return original(self, uid)

    monkeypatch.setattr(imap.Session, "message", message)
    dovecot.append(user, PASSWORD, letter_mail())
    assert mailbox_fetch(mailbox_id=mailbox.pk) == 2
    big = InboundItem.objects.get(message_id="<besar@papua.invalid>")
    assert big.state == "refused" and big.size == size
    assert "100 MB" in big.reason_en and "100 MB" in big.reason
    assert big.subject == "Berkas besar" and not big.files.exists()
    ordinary = InboundItem.objects.get(message_id="<surat-1@papua.invalid>")
    assert ordinary.state == "pending"
    assert read == [ordinary.uid]  # only the ordinary message was downloaded
    assert AuditEvent.objects.filter(action="intake.mail_refuse").count() == 1


def _owner(path: Any) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_uid, stat.st_gid


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (BROKEN_MIME, "malformed"),
        (letter_mail(pdfs=0, message_id="<tanpa-pdf@papua.invalid>"), "no PDF"),
        (
            letter_mail(
                pdfs=1,
                message_id="<palsu@papua.invalid>",
                extra=[
                    ("bukan.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
                ],
            ),
            "bukan.pdf",
        ),
    ],
    # The messages' MIME boundaries are random: ids from the reasons keep the test
    # names the same in every test process.
    ids=["malformed", "no-pdf", "not-a-pdf"],
)
def test_bad_messages_are_refused_with_a_reason_and_store_nothing(
    o: SimpleNamespace, dovecot: Dovecot, media: Any, message: bytes, reason: str
) -> None:
    mailbox, user = connect(o, dovecot)
    dovecot.append(user, PASSWORD, message)
    assert mailbox_fetch(mailbox_id=mailbox.pk) == 1
    item = InboundItem.objects.get()
    assert item.state == "refused" and reason in item.reason_en, item.reason_en
    assert item.reason and item.reason != item.reason_en  # Indonesian too
    assert not InboundFile.objects.exists() and stored_files(media) == []
    assert Mailbox.objects.get(pk=mailbox.pk).last_uid == 1


def test_wrong_password_and_server_down_change_nothing_and_retry_later(
    o: SimpleNamespace, dovecot: Dovecot
) -> None:
    mailbox, user = connect(o, dovecot)
    dovecot.append(user, PASSWORD, letter_mail())
    mailbox_connect(
        actor=o.users.admin, unit=o.dinas, host="127.0.0.1", port=dovecot.port,
        use_tls=False, username=user, password="salah",
    )  # fmt: skip
    with pytest.raises(MailboxUnavailable) as wrong:
        mailbox_fetch(mailbox_id=mailbox.pk)
    assert wrong.value.code == "intake.mailbox_login_failed"
    mailbox.refresh_from_db()
    assert mailbox.failures == 1 and "kata sandi" in mailbox.last_error
    assert mailbox.last_uid == 0 and not InboundItem.objects.exists()

    mailbox_connect(
        actor=o.users.admin, unit=o.dinas, host="127.0.0.1", port=dovecot.port + 1,
        use_tls=False, username=user, password=PASSWORD,
    )  # fmt: skip
    with pytest.raises(MailboxUnavailable) as down:
        mailbox_fetch(mailbox_id=mailbox.pk)
    assert down.value.code == "intake.mailbox_unreachable"
    assert Mailbox.objects.get(pk=mailbox.pk).failures == 2
    assert not InboundItem.objects.exists()

    # Fixed: the next run imports the waiting message and clears the error.
    mailbox_connect(
        actor=o.users.admin, unit=o.dinas, host="127.0.0.1", port=dovecot.port,
        use_tls=False, username=user, password="",
    )  # fmt: skip
    assert mailbox_fetch(mailbox_id=mailbox.pk) == 1
    mailbox.refresh_from_db()
    assert mailbox.failures == 0 and mailbox.last_error == ""


def test_periodic_run_queues_and_fetches_each_enabled_mailbox(
    o: SimpleNamespace, dovecot: Dovecot, django_capture_on_commit_callbacks: Any
) -> None:
    from warkat.dispositions.management.commands.run_periodic import JOBS
    from warkat.intake.tasks import mailin_run

    assert any(job is mailin_run for _n, _e, job in JOBS)
    mailbox, user = connect(o, dovecot)
    dovecot.append(user, PASSWORD, letter_mail())
    with django_capture_on_commit_callbacks(execute=True):
        mailin_run.call()
    assert InboundItem.objects.filter(mailbox=mailbox, state="pending").count() == 1


def test_only_a_tenant_admin_connects_a_mailbox(
    o: SimpleNamespace, dovecot: Dovecot
) -> None:
    from warkat.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        connect(o, dovecot, actor=o.users.tu)
    assert not Mailbox.objects.exists()


def test_a_failure_mid_message_leaves_the_mailbox_before_it(
    o: SimpleNamespace, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch, media: Any
) -> None:
    from warkat.letters import files
    from warkat.letters.errors import StorageUnavailable, storage_failed

    mailbox, user = connect(o, dovecot)
    dovecot.append(user, PASSWORD, letter_mail())
    real_store = files.file_store
    calls: list[int] = []

    def second_store_fails(**kw: Any) -> str:
        calls.append(1)
        if len(calls) == 2:
            raise storage_failed()
        return real_store(**kw)

    monkeypatch.setattr(files, "file_store", second_store_fails)
    with pytest.raises(StorageUnavailable):
        mailbox_fetch(mailbox_id=mailbox.pk)
    # Neither the item, nor its first file, nor the UID was kept.
    assert not InboundItem.objects.exists() and stored_files(media) == []
    assert Mailbox.objects.get(pk=mailbox.pk).last_uid == 0
    monkeypatch.setattr(files, "file_store", real_store)
    assert mailbox_fetch(mailbox_id=mailbox.pk) == 1
    assert InboundFile.objects.count() == 2
