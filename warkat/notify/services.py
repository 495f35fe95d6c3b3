"""Queueing and composing notifications: in the app, by e-mail and by web push.

Services elsewhere call ``notify_positions`` inside their transaction; the work is
queued after commit as a task on the "notify" queue, which resolves who holds each
position that day and writes to each of them. A secret letter's subject goes only
into in-app notifications of people in its chain; e-mail and push (which leave the
server) only ever say that a letter of that level is waiting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warkat.core.errors import ValidationError
from warkat.letters.models import Letter
from warkat.notify.models import Notification, PushSubscription
from warkat.org.models import Assignment, Person

log = logging.getLogger(__name__)


def notify_positions(
    *,
    tenant_id: int,
    position_ids: list[int],
    kind: str,
    letter_id: int,
    disposition_id: int | None = None,
    exclude_person_id: int | None = None,
    person_ids: list[int] | None = None,
) -> None:
    """Queue notifications to the holders of ``position_ids`` (and to the people
    ``person_ids``) once the current transaction commits (nothing is sent for a
    rolled-back change)."""
    from warkat.notify.tasks import deliver_notifications

    ids = sorted({p for p in position_ids if p})
    people = sorted({p for p in person_ids or () if p})
    if not ids and not people:
        return
    transaction.on_commit(
        lambda: deliver_notifications.enqueue(
            tenant_id=tenant_id,
            position_ids=ids,
            kind=kind,
            letter_id=letter_id,
            disposition_id=disposition_id,
            exclude_person_id=exclude_person_id,
            person_ids=people,
        )
    )


@dataclass(frozen=True)
class Message:
    title: str
    body: str


#: The notice to the former addressee of a letter the TU re-routed.
REROUTED = "letter.rerouted"


def _level_label(letter: Letter) -> str:
    return str(Letter.Security(letter.security).label)


def compose(*, kind: str, letter: Letter, may_see: bool) -> Message:
    """The text of a notification. ``may_see`` False (or a secret letter outside the
    app) gives the generic wording that names no subject and no sender."""
    if letter.is_secret and not may_see:
        if kind == REROUTED:
            return Message(
                title=_("A %(level)s letter went to another addressee")
                % {"level": _level_label(letter)},
                body=_("Agenda %(agenda)s no longer waits for you.")
                % {"agenda": letter.agenda_label},
            )
        return Message(
            title=_("A %(level)s letter awaits you") % {"level": _level_label(letter)},
            body=_("Open Warkat to see it (agenda %(agenda)s).")
            % {"agenda": letter.agenda_label},
        )
    titles = {
        "letter.received": _("New letter: %(subject)s"),
        "letter.returned": _("Letter returned to the records clerk: %(subject)s"),
        "letter.corrected": _("Letter corrected and sent again: %(subject)s"),
        REROUTED: _("Letter went to another addressee: %(subject)s"),
        "disposition.received": _("New disposition: %(subject)s"),
        "disposition.declined": _("Disposition declined: %(subject)s"),
        "disposition.followed_up": _("Follow-up reported: %(subject)s"),
        "disposition.closed": _("Disposition closed: %(subject)s"),
        "disposition.returned": _("Disposition sent back: %(subject)s"),
        "disposition.cancelled": _("Disposition cancelled: %(subject)s"),
        "disposition.reminder": _("Deadline approaching: %(subject)s"),
        "letter.reminder": _("Not yet disposed: %(subject)s"),
        "disposition.escalated": _("Overdue disposition below you: %(subject)s"),
    }
    title = titles.get(kind, _("Update: %(subject)s")) % {
        "subject": letter.subject[:200]
    }
    body = _("From %(sender)s, number %(number)s, agenda %(agenda)s.") % {
        "sender": letter.sender_institution or "-",
        "number": letter.number or "-",
        "agenda": letter.agenda_label,
    }
    return Message(title=title, body=body)


def notifications_deliver(
    *,
    position_ids: list[int],
    kind: str,
    letter_id: int,
    disposition_id: int | None = None,
    exclude_person_id: int | None = None,
    person_ids: list[int] | None = None,
) -> list[Notification]:
    """Write the notifications (inside the tenant's scope) and send e-mail and push."""
    from warkat.letters.access import person_may_see

    letter = Letter.objects.get(pk=letter_id)
    day = timezone.localdate()
    recipients = set(
        Assignment.objects.filter(position_id__in=position_ids, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("person_id", flat=True)
    )
    recipients.update(person_ids or ())
    recipients.discard(exclude_person_id)
    people = Person.objects.filter(pk__in=recipients, is_active=True).order_by("pk")
    # The old addressee of a re-routed letter may no longer open it: their inbox.
    url = (
        reverse("letters:inbox")
        if kind == REROUTED
        else reverse("letters:detail", args=[letter.pk])
    )
    created: list[Notification] = []
    for person in people:
        may_see = person_may_see(person_id=person.pk, letter=letter, on=day)
        with translation.override("id"):
            inside = compose(kind=kind, letter=letter, may_see=may_see)
            outside = compose(kind=kind, letter=letter, may_see=not letter.is_secret)
        note = Notification(
            tenant_id=letter.tenant_id,
            person=person,
            kind=kind,
            title=inside.title[:300],
            body=inside.body,
            url=url,
            letter_id=letter.pk,
        )
        note.save()
        created.append(note)
        _email(person=person, message=outside, url=url)
        _push(person=person, message=outside, url=url)
    return created


def _email(*, person: Person, message: Message, url: str) -> None:
    if not person.email:
        return
    try:
        send_mail(
            subject=f"[Warkat] {message.title}",
            message=f"{message.body}\n\n{settings.PUBLIC_BASE_URL}{url}",
            from_email=None,
            recipient_list=[person.email],
        )
    except Exception:
        # Mail is best effort; the in-app notification is the record.
        log.exception("e-mail to person %s failed", person.pk)


def _push(*, person: Person, message: Message, url: str) -> None:
    from warkat.notify.push import push_send

    subs = PushSubscription.objects.filter(user__person=person, failed_at__isnull=True)
    for sub in subs:
        push_send(
            subscription=sub,
            payload={"title": message.title, "body": message.body, "url": url},
        )


@transaction.atomic
def notification_mark_read(
    *, person_id: int | None, notification_id: int | None = None
) -> int:
    """Mark one (or all) of a person's notifications read; returns how many."""
    qs = Notification.objects.filter(person_id=person_id or 0, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def push_subscribe(
    *, user: Any, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Keep a browser's push subscription (the endpoint must be an https URL)."""
    valid = endpoint.startswith("https://") and len(endpoint) <= 1000
    if not (valid and p256dh and auth):
        raise ValidationError(
            "push.subscription_invalid",
            gettext_lazy("The push subscription is not valid."),
            field="endpoint",
        )
    sub, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "tenant_id": user.tenant_id,
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "failed_at": None,
        },
    )
    return sub


def notice_send(
    *,
    tenant_id: int,
    person_ids: list[int] | set[int],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> None:
    """Queue a notice that is not about a letter (attendance requests, discipline
    alerts) to ``person_ids``. Enqueued inside the caller's transaction: with the
    database task backend it is committed (or rolled back) with the change."""
    from warkat.notify.tasks import deliver_notice

    people = sorted({p for p in person_ids if p})
    if not people:
        return
    deliver_notice.enqueue(
        tenant_id=tenant_id,
        person_ids=people,
        kind=kind,
        title=title[:300],
        body=body,
        url=url[:300],
    )


def notices_deliver(
    *, person_ids: list[int], kind: str, title: str, body: str, url: str
) -> list[Notification]:
    """Write a notice for each active person and send it by e-mail and push."""
    created: list[Notification] = []
    message = Message(title=title, body=body)
    for person in Person.objects.filter(pk__in=person_ids, is_active=True).order_by(
        "pk"
    ):
        note = Notification(
            tenant_id=person.tenant_id,
            person=person,
            kind=kind,
            title=title,
            body=body,
            url=url,
        )
        note.save()
        created.append(note)
        _email(person=person, message=message, url=url)
        _push(person=person, message=message, url=url)
    return created
