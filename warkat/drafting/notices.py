"""In-app notices of the drafting workflow: whose paraf or signature a letter waits
for, and what happened to the drafter's letter. Queued with the transaction
(``services.notify``), written on a worker (``tasks.notify_draft``) into the
notification list (``notify.Notification``), linking to the outgoing letter's page.

Only in-app: the people notified are in the letter's chain, so the subject may be
shown; nothing leaves the app by e-mail or push for a draft.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from warkat.drafting.models import Draft, DraftState
from warkat.drafting.workflow import current_step
from warkat.org.selectors import position_holders

TITLES = {
    "review": _("Waiting for your paraf: %(subject)s"),
    "sign": _("Waiting for your signature: %(subject)s"),
    "returned": _("Returned to you: %(subject)s"),
    "signed": _("Signed and sent: %(subject)s"),
}


def turn_event(draft: Draft) -> str:
    """After a submission or a paraf: whose turn it is now."""
    return "sign" if draft.state == DraftState.APPROVED else "review"


def notices_deliver(*, draft_id: int, event: str) -> int:
    """Write the notices (inside the tenant's scope); returns how many."""
    from warkat.notify.models import Notification

    draft = Draft.objects.select_related("letter", "signer_position").get(pk=draft_id)
    person_ids: set[int] = set()
    if event == "review" and draft.state == DraftState.IN_REVIEW:
        step = current_step(draft)
        if step is not None:
            person_ids = {a.person_id for a in position_holders(position=step.position)}
    elif event == "sign" and draft.state == DraftState.APPROVED:
        person_ids = {
            a.person_id for a in position_holders(position=draft.signer_position)
        }
    elif event in {"returned", "signed"}:
        person_ids = {draft.drafter_id}
    if not person_ids or event not in TITLES:
        return 0
    letter = draft.letter
    with translation.override("id"):
        title = str(TITLES[event]) % {"subject": letter.subject[:200]}
        body = f"{draft.naskah_type.name}" + (
            f" · {letter.number}" if letter.number else ""
        )
    url = reverse("drafting:detail", args=[letter.pk])
    Notification.objects.bulk_create(
        [
            Notification(
                tenant_id=draft.tenant_id, person_id=pid, kind=f"drafting.{event}",
                title=title[:300], body=body, url=url, letter_id=letter.pk,
            )
            for pid in sorted(person_ids)
        ]
    )  # fmt: skip
    return len(person_ids)
