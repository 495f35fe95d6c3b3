"""Fetching the new messages of a mailbox (the work of ``tasks.mailbox_fetch_run``).

One message per transaction: the item (pending or refused), its files and the
mailbox's ``last_uid`` are committed together, so a crash leaves the mailbox
either before or after a message, never half-way, and a message already imported
(same UID or same Message-ID) is never imported twice. Messages over
``WARKAT_MAILIN_MAX_BYTES`` are refused from the server's RFC822.SIZE without
being downloaded. A server that is down or refuses the password changes nothing
but the mailbox's error line; the next periodic run tries again.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from warkat.audit.services import audit_record
from warkat.core.errors import ValidationError
from warkat.core.secrets import open_text
from warkat.intake import errors, imap, mime
from warkat.intake.models import InboundItem, Mailbox
from warkat.intake.services.items import item_files_store, refusal_fields
from warkat.letters.files import stored_files_guard

log = logging.getLogger(__name__)


def _account(mailbox: Mailbox) -> imap.Account:
    return imap.Account(
        host=mailbox.host,
        port=mailbox.port,
        use_tls=mailbox.use_tls,
        username=mailbox.username,
        password=open_text(
            mailbox.password_sealed, label=Mailbox.secret_label(mailbox.unit_id)
        ),
        folder=mailbox.folder,
        timeout=settings.WARKAT_MAILIN_TIMEOUT,
    )


def mailbox_fetch(*, mailbox_id: int) -> int:
    """Import the new messages of a mailbox; returns how many items were recorded.
    Raises ``MailboxUnavailable`` (after noting it on the mailbox) when the server
    cannot be used."""
    mailbox = Mailbox.objects.get(pk=mailbox_id)
    recorded = 0
    try:
        with imap.session(_account(mailbox)) as session:
            if mailbox.uidvalidity != session.uidvalidity:
                Mailbox.objects.filter(pk=mailbox.pk).update(
                    uidvalidity=session.uidvalidity, last_uid=0
                )
                mailbox.uidvalidity, mailbox.last_uid = session.uidvalidity, 0
            for uid, size in session.new_uids(mailbox.last_uid):
                recorded += _message_import(mailbox, session, uid, size)
    except errors.MailboxUnavailable as exc:
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_error=exc.text("id"),
            last_checked_at=timezone.now(),
            failures=mailbox.failures + 1,
        )
        log.warning("mailbox %s: %s", mailbox.pk, exc.text("en"))
        raise
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_error="", failures=0, last_checked_at=timezone.now()
    )
    return recorded


def _message_import(
    mailbox: Mailbox, session: imap.Session, uid: int, size: int
) -> int:
    limit = settings.WARKAT_MAILIN_MAX_BYTES
    fields: dict[str, Any] = {}
    parsed: mime.ParsedMail | None = None
    if size > limit:
        headers = mime.headers_read(session.header(uid))
        fields = refusal_fields(errors.message_too_large(size, limit))
    else:
        raw = session.message(uid)
        headers = mime.headers_read(raw)
        try:
            parsed = mime.mail_read(raw)
            fields = {
                "state": InboundItem.State.PENDING,
                "ignored_files": parsed.ignored,
            }
        except ValidationError as exc:
            fields = refusal_fields(exc)
    with stored_files_guard() as stored, transaction.atomic():
        locked = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
        if locked.uidvalidity != session.uidvalidity or locked.last_uid >= uid:
            return 0  # another run got here first
        locked.last_uid = uid
        locked.save(update_fields=["last_uid"])
        mailbox.last_uid = uid
        if (
            headers.message_id
            and InboundItem.objects.filter(
                mailbox=mailbox, message_id=headers.message_id
            ).exists()
        ):
            return 0  # the same message again (copied, or the folder was rebuilt)
        item = InboundItem.objects.create(
            tenant_id=mailbox.tenant_id,
            unit_id=mailbox.unit_id,
            mailbox=mailbox,
            source=InboundItem.Source.MAIL,
            message_id=headers.message_id,
            uidvalidity=session.uidvalidity,
            uid=uid,
            sender_email=headers.sender_email,
            sender_name=headers.sender_name,
            subject=headers.subject,
            sent_at=headers.sent_at,
            size=size,
            **fields,
        )
        if parsed is not None:
            item_files_store(item=item, checked=parsed.pdfs, stored=stored)
        audit_record(
            tenant=mailbox.tenant,
            actor=None,
            action="intake.mail_refuse"
            if item.state == InboundItem.State.REFUSED
            else "intake.mail_receive",
            obj=item,
            data={"mailbox": mailbox.pk, "uid": uid, "reason": item.reason_en[:200]},
        )
    return 1
