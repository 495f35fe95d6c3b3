"""The body of a webhook, built when it is sent, from the data as it is then.

An endpoint is a machine of the tenant, not a person in a letter's chain, so it reads
at most what the registry (TU, tenant admin) reads: a Rahasia or Sangat Rahasia
letter — and anything about it: its dispositions, follow-ups, drafts — is named by
its id and agenda line only, whatever the endpoint's scopes. Other details need the
endpoint's scope (``letters:read``, ``dispositions:read``, …); without it a payload
carries ids. An object deleted since the event is sent as its id with
``"deleted": true``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from warkat.attendance.models import AttendanceRequest
from warkat.dashboard.models import DataRequest
from warkat.dispositions.models import Disposition
from warkat.drafting.models import Draft
from warkat.drafting.workflow import current_step
from warkat.letters.models import Letter
from warkat.webhooks.models import Endpoint, EventType, Message, Scope


def _position(position: Any) -> dict[str, Any] | None:
    if position is None:
        return None
    return {"id": position.pk, "name": position.name}


def letter_data(letter: Letter, scopes: set[str]) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": letter.pk,
        "direction": letter.direction,
        "agenda": letter.agenda_label,
        "security": letter.security,
    }
    if letter.is_secret:
        # The agenda line only: what a tenant admin sees of a secret letter.
        return {**base, "number": letter.number, "restricted": True}
    if Scope.LETTERS_READ not in scopes:
        return base
    return {
        **base,
        "number": letter.number,
        "subject": letter.subject,
        "urgency": letter.urgency,
        "status": letter.status,
        "letter_date": letter.letter_date,
        "received_date": letter.received_date,
        "sender_institution": letter.sender_institution,
        "sender_name": letter.sender_name,
        "unit": {"id": letter.unit_id, "name": letter.unit.name},
        "addressed_position": _position(letter.addressed_position),
    }


@dataclass
class Loaded:
    """Letters and dispositions of a batch of messages, read in one query each."""

    letters: dict[int, Letter] = field(default_factory=dict)
    dispositions: dict[int, Disposition] = field(default_factory=dict)


def _letters() -> Any:
    return Letter.objects.select_related("unit", "addressed_position")


def _dispositions() -> Any:
    return Disposition.objects.select_related(
        "letter__unit", "letter__addressed_position", "from_position", "to_position"
    )


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def _load(messages: list[Message]) -> Loaded:
    by_kind: dict[str, list[str]] = {}
    for message in messages:
        kind = BUILDERS[message.event_type].__name__
        by_kind.setdefault(kind, []).append(message.object_id)
    letter_ids = _ids(by_kind.get("_letter", []) + by_kind.get("_draft", []))
    return Loaded(
        letters=_letters().in_bulk(letter_ids) if letter_ids else {},
        dispositions=_dispositions().in_bulk(_ids(by_kind.get("_disposition", [])))
        if "_disposition" in by_kind
        else {},
    )


def _letter(object_id: str, scopes: set[str], loaded: Loaded) -> dict[str, Any]:
    letter = (
        loaded.letters.get(int(object_id)) or _letters().filter(pk=object_id).first()
    )
    if letter is None:
        return {"letter": {"id": int(object_id), "deleted": True}}
    return {"letter": letter_data(letter, scopes)}


def _disposition(object_id: str, scopes: set[str], loaded: Loaded) -> dict[str, Any]:
    d = (
        loaded.dispositions.get(int(object_id))
        or _dispositions().filter(pk=object_id).first()
    )
    if d is None:
        return {"disposition": {"id": int(object_id), "deleted": True}}
    data: dict[str, Any] = {"id": d.pk, "parent": d.parent_id, "state": d.state}
    if not d.letter.is_secret and Scope.DISPOSITIONS_READ in scopes:
        data.update(
            {
                "from_position": _position(d.from_position),
                "to_position": _position(d.to_position),
                "capacity": d.from_capacity,
                "instructions": d.instructions,
                "note": d.note,
                "deadline": d.deadline,
                "sent_at": d.sent_at,
                "read_at": d.read_at,
                "followed_up_at": d.followed_up_at,
            }
        )
    return {"disposition": data, "letter": letter_data(d.letter, scopes)}


def _draft(object_id: str, scopes: set[str], loaded: Loaded) -> dict[str, Any]:
    letter_part = _letter(object_id, scopes, loaded)
    draft = Draft.objects.filter(letter_id=object_id).first()
    if draft is None:
        return letter_part
    data: dict[str, Any] = {"id": draft.pk, "state": draft.state}
    step = current_step(draft)
    if step is not None:
        # Who must act is a position of the organisation, never the text.
        data["reviewer_position"] = _position(step.position)
        data["step_kind"] = step.kind
    if not draft.letter.is_secret and Scope.LETTERS_READ in scopes:
        data["about"] = draft.about
        data["version"] = draft.version
    return {"draft": data, **letter_part}


def _attendance(object_id: str, scopes: set[str], _loaded: Loaded) -> dict[str, Any]:
    row = AttendanceRequest.objects.filter(pk=object_id).first()
    if row is None:
        return {"attendance_request": {"id": int(object_id), "deleted": True}}
    data: dict[str, Any] = {"id": row.pk, "state": row.state}
    if Scope.ATTENDANCE_READ in scopes:
        data.update(
            {
                "person": row.person_id,
                "kind": row.kind,
                "start_date": row.start_date,
                "end_date": row.end_date,
                "approver_position": row.approver_position_id,
            }
        )
    return {"attendance_request": data}


def _data_request(object_id: str, scopes: set[str], _loaded: Loaded) -> dict[str, Any]:
    row = DataRequest.objects.filter(pk=object_id).first()
    if row is None:
        return {"data_request": {"id": int(object_id), "deleted": True}}
    data: dict[str, Any] = {"id": row.pk, "state": row.state}
    if Scope.DASHBOARD_READ in scopes:
        data.update(
            {"title": row.title, "period": row.period, "deadline": row.deadline}
        )
    return {"data_request": data}


BUILDERS: dict[str, Callable[[str, set[str], Loaded], dict[str, Any]]] = {
    EventType.LETTER_REGISTERED: _letter,
    EventType.LETTER_SIGNED: _letter,
    EventType.LETTER_DELIVERED: _letter,
    EventType.DISPOSITION_CREATED: _disposition,
    EventType.DISPOSITION_READ: _disposition,
    EventType.DISPOSITION_FOLLOWED_UP: _disposition,
    EventType.DISPOSITION_OVERDUE: _disposition,
    EventType.DRAFT_REVIEW_REQUESTED: _draft,
    EventType.ATTENDANCE_REQUEST: _attendance,
    EventType.DATA_REQUEST: _data_request,
}


def payload(
    *, endpoint: Endpoint, message: Message, loaded: Loaded | None = None
) -> dict[str, Any]:
    scopes = set(endpoint.scopes)
    build = BUILDERS[message.event_type]
    return {
        "type": message.event_type,
        "timestamp": message.occurred_at,
        "data": build(message.object_id, scopes, loaded or Loaded()),
    }


def _encode(data: dict[str, Any]) -> bytes:
    return json.dumps(
        data, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False
    ).encode()


def body(*, endpoint: Endpoint, message: Message) -> bytes:
    return _encode(payload(endpoint=endpoint, message=message))


def bodies(
    *, endpoint: Endpoint, messages: list[Message]
) -> dict[int, bytes | Exception]:
    """The bodies of a batch (by message id), its letters and dispositions read in
    one query each; a message whose object cannot be read gets its error."""
    loaded = _load(messages)
    found: dict[int, bytes | Exception] = {}
    for message in messages:
        try:
            data = payload(endpoint=endpoint, message=message, loaded=loaded)
            found[message.pk] = _encode(data)
        except (ValueError, LookupError) as exc:
            found[message.pk] = exc
    return found
