"""Connecting a unit's mailbox (tenant admin). Fetching is ``warkat.intake.fetching``,
queued by the periodic ``tasks.mailin_run``.

``fetching.mailbox_fetch`` handles one message per transaction: the item (pending or
refused), its files and the mailbox's ``last_uid`` are committed together, so a
crash leaves the mailbox either before or after a message, never half-way, and a
message already imported (same UID or same Message-ID) is never imported twice.
Messages over ``WARKAT_MAILIN_MAX_BYTES`` are refused from the server's
RFC822.SIZE without being downloaded. A server that is down or refuses the
password changes nothing but the mailbox's error line; the next run tries again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.core.secrets import seal_text
from warkat.intake import errors
from warkat.intake.models import Mailbox
from warkat.letters.access import is_tenant_admin
from warkat.org.models import Unit


def mailbox_connect(
    *,
    actor: Any,
    unit: Unit,
    host: str,
    port: int,
    use_tls: bool,
    username: str,
    password: str,
    folder: str = "INBOX",
    enabled: bool = True,
) -> Mailbox:
    """Create or change the mailbox of ``unit`` (tenant admin). An empty password
    keeps the stored one."""
    if not is_tenant_admin(actor):
        raise errors.item_forbidden()
    host, username, folder = host.strip(), username.strip(), folder.strip() or "INBOX"
    if not host or not username or not 0 < port < 65536:
        raise errors.mailbox_invalid(_("Server, port and user name are required."))
    with transaction.atomic():
        mailbox = Mailbox.objects.select_for_update().filter(unit=unit).first()
        if mailbox is None and not password:
            raise errors.mailbox_invalid(_("A password is required."))
        mailbox = mailbox or Mailbox(tenant=unit.tenant, unit=unit)
        moved = mailbox.pk and (mailbox.host, mailbox.username, mailbox.folder) != (
            host,
            username,
            folder,
        )
        mailbox.host, mailbox.port, mailbox.use_tls = host, port, use_tls
        mailbox.username, mailbox.folder, mailbox.enabled = username, folder, enabled
        if password:
            mailbox.password_sealed = seal_text(
                password, label=Mailbox.secret_label(unit.pk)
            )
        if moved:
            # Another mailbox: its UIDs mean nothing here (Message-IDs still count).
            mailbox.uidvalidity, mailbox.last_uid = None, 0
        mailbox.save()
        audit_record(
            tenant=unit.tenant,
            actor=actor,
            action="intake.mailbox_connect",
            obj=mailbox,
            data={"unit": unit.pk, "host": host, "user": username, "enabled": enabled},
        )
    return mailbox
