"""Delivering notifications (the work of the "notify" task, ``tasks.deliver_notifications``):
resolve who holds each position that day and write to each of them in the app, by
e-mail and by web push. Never enqueues."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from warkat.letters.models import Letter
from warkat.notify.messages import REROUTED, Message, compose
from warkat.notify.models import Notification, PushSubscription
from warkat.org.models import Assignment, Person

log = logging.getLogger(__name__)


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
