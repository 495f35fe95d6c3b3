"""The text of a notification, composed so that a secret letter's subject never
leaves the app: it goes only into in-app notifications of people in its chain; e-mail
and push (which leave the server) only ever say that a letter of that level is
waiting."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from warkat.letters.models import Letter


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
