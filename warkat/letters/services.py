"""Every write to letters: registration, agenda numbers, reads, internal delivery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.archive.models import ClassificationCode
from warkat.audit.services import audit_record
from warkat.core.errors import PermissionDenied, ValidationError
from warkat.letters.access import held_positions, is_tenant_admin, tu_unit_ids
from warkat.letters.errors import duplicate_letter
from warkat.letters.files import (
    CheckedFile,
    StoredFiles,
    Upload,
    file_check,
    stored_files_guard,
)
from warkat.letters.integrity import correction_guard, file_addable, reason_clean
from warkat.letters.models import (
    SECRET_LEVELS,
    AgendaCounter,
    Direction,
    IncomingStatus,
    Letter,
    LetterEvent,
    LetterFile,
    Security,
    Urgency,
)
from warkat.letters.pages import pages_schedule
from warkat.org.models import Position, Unit
from warkat.tenancy.clock import tenant_localdate
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import all_tenants, tenant_scope


def agenda_allocate(*, tenant: Tenant, unit: Unit, direction: str, year: int) -> int:
    """Take the next agenda number of ``unit``'s book for ``year``.

    Must run inside the caller's transaction: the counter row stays locked until it
    commits, so concurrent registrations queue here and never share a number.
    """
    # Create the counter row if missing without failing when another transaction
    # creates it at the same moment; then lock it.
    AgendaCounter.objects.bulk_create(
        [AgendaCounter(tenant=tenant, unit=unit, direction=direction, year=year)],
        ignore_conflicts=True,
    )
    counter = AgendaCounter.objects.select_for_update().get(
        unit=unit, direction=direction, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def letter_duplicates(
    *, sender_institution: str, number: str, letter_date: dt.date | None
) -> list[Letter]:
    """Incoming letters already registered with the same sender, number and date."""
    if not number or letter_date is None:
        return []
    return list(
        Letter.objects.filter(
            direction=Direction.INCOMING,
            number__iexact=number.strip(),
            letter_date=letter_date,
            sender_institution__iexact=sender_institution.strip(),
        ).order_by("pk")[:5]
    )


def _can_register(actor: Any, unit: Unit) -> bool:
    return is_tenant_admin(actor) or unit.pk in tu_unit_ids(actor)


def _check_choice(value: str, choices: Any, field: str) -> None:
    if value not in choices.values:
        raise ValidationError(
            "letter.invalid_choice",
            _("The value %(value)s is not allowed here."),
            field=field,
            params={"value": value},
        )


def _validate_incoming(
    *,
    unit: Unit,
    addressed_position: Position,
    subject: str,
    classification: ClassificationCode | None,
    security: str,
    urgency: str,
    number: str,
    letter_date: dt.date | None,
    sender_institution: str,
    received_date: dt.date,
    only: frozenset[str] | None = None,
) -> None:
    """Check an incoming letter's registration fields (``only``: just those fields,
    for a correction that leaves the others as registered)."""

    def want(*names: str) -> bool:
        return only is None or any(n in only for n in names)

    if want("subject") and not subject.strip():
        raise ValidationError(
            "letter.subject_required", _("The subject is required."), field="subject"
        )
    if want("sender_institution") and not sender_institution.strip():
        raise ValidationError(
            "letter.sender_required",
            _("The sender institution is required."),
            field="sender_institution",
        )
    if want("number") and not number.strip():
        raise ValidationError(
            "letter.number_required",
            _("The sender's letter number is required."),
            field="number",
        )
    if want("security"):
        _check_choice(security, Security, "security")
    if want("urgency"):
        _check_choice(urgency, Urgency, "urgency")
    if want("classification") and (
        classification is None or not classification.has_retention
    ):
        raise ValidationError(
            "letter.classification_invalid",
            _(
                "Choose a classification code that has a retention period (a leaf code)."
            ),
            field="classification",
        )
    today = timezone.localdate()
    if want("received_date") and received_date > today:
        raise ValidationError(
            "letter.received_in_future",
            _("The date received cannot be in the future."),
            field="received_date",
        )
    if (
        want("letter_date", "received_date")
        and letter_date is not None
        and letter_date > received_date
    ):
        raise ValidationError(
            "letter.date_after_received",
            _("The letter date cannot be after the date received."),
            field="letter_date",
        )
    if not want("addressed_position"):
        return
    if not addressed_position.is_active:
        raise ValidationError(
            "letter.position_inactive",
            _("The addressed position is no longer active."),
            field="addressed_position",
        )
    if not Unit.objects.filter(
        pk=addressed_position.unit_id, path__startswith=unit.path
    ).exists():
        raise ValidationError(
            "letter.position_outside_unit",
            _("The addressed position is not in the receiving unit."),
            field="addressed_position",
        )


def letter_register(
    *,
    actor: Any,
    unit: Unit,
    addressed_position: Position,
    subject: str,
    classification: ClassificationCode | None,
    number: str,
    letter_date: dt.date | None,
    sender_institution: str,
    sender_name: str = "",
    summary: str = "",
    security: str = Security.BIASA,
    urgency: str = Urgency.BIASA,
    received_date: dt.date | None = None,
    files: Sequence[Upload] = (),
    confirm_duplicate: bool = False,
) -> Letter:
    """Register an incoming letter in ``unit``'s agenda book (TU of the unit or a
    tenant admin). Files are checked before anything is written; a likely duplicate
    raises ``Conflict`` unless ``confirm_duplicate``."""
    if not _can_register(actor, unit):
        raise PermissionDenied(
            "letter.register_forbidden",
            _(
                "Only the unit's records clerk (TU) or an administrator may register letters here."
            ),
        )
    received = received_date or timezone.localdate()
    _validate_incoming(
        unit=unit,
        addressed_position=addressed_position,
        subject=subject,
        classification=classification,
        security=security,
        urgency=urgency,
        number=number,
        letter_date=letter_date,
        sender_institution=sender_institution,
        received_date=received,
    )
    checked = [file_check(upload=f) for f in files]
    if not confirm_duplicate:
        dupes = letter_duplicates(
            sender_institution=sender_institution,
            number=number,
            letter_date=letter_date,
        )
        if dupes:
            raise duplicate_letter(dupes[0].pk, dupes[0].agenda_label)
    tenant = unit.tenant
    with stored_files_guard() as stored:
        names = [stored.store(tenant_id=tenant.pk, checked=c) for c in checked]
        with transaction.atomic():
            letter = _letter_create_incoming(
                tenant=tenant,
                unit=unit,
                addressed_position=addressed_position,
                subject=subject.strip(),
                summary=summary.strip(),
                classification=classification,
                security=security,
                urgency=urgency,
                number=number.strip(),
                letter_date=letter_date,
                sender_institution=sender_institution.strip(),
                sender_name=sender_name.strip(),
                received_date=received,
                registered_by=actor,
            )
            _attach(letter=letter, checked=checked, names=names, uploaded_by=actor)
            LetterEvent.objects.create(
                tenant=tenant,
                letter=letter,
                at=timezone.now(),
                kind="registered",
                person_id=getattr(actor, "person_id", None),
                note=letter.agenda_label,
            )
            audit_record(
                tenant=tenant,
                actor=actor,
                action="letter.register",
                obj=letter,
                data={"agenda": letter.agenda_label, "files": len(names)},
            )
            _notify_addressee(letter)
    return letter


def _letter_create_incoming(
    *, tenant: Tenant, unit: Unit, received_date: dt.date, **fields: Any
) -> Letter:
    year = received_date.year
    number = agenda_allocate(
        tenant=tenant, unit=unit, direction=Direction.INCOMING, year=year
    )
    letter = Letter(
        tenant=tenant,
        direction=Direction.INCOMING,
        unit=unit,
        received_date=received_date,
        agenda_year=year,
        agenda_number=number,
        status=Letter.IncomingStatus.NEW,
        **fields,
    )
    letter.save()
    return letter


def _attach(
    *,
    letter: Letter,
    checked: Sequence[CheckedFile],
    names: Sequence[str],
    uploaded_by: Any,
) -> None:
    LetterFile.objects.bulk_create(
        [
            LetterFile(
                tenant_id=letter.tenant_id,
                letter=letter,
                kind=LetterFile.Kind.MAIN if i == 0 else LetterFile.Kind.ATTACHMENT,
                storage_name=name,
                original_name=c.name,
                content_type=c.content_type,
                size=c.size,
                sha256=c.sha256,
                uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
            )
            for i, (c, name) in enumerate(zip(checked, names, strict=True))
        ]
    )
    pages_schedule(letter=letter, content_types=[c.content_type for c in checked])


def _notify_addressee(letter: Letter, *, kind: str = "letter.received") -> None:
    from warkat.notify.services import notify_positions

    notify_positions(
        tenant_id=letter.tenant_id,
        position_ids=[letter.addressed_position_id or 0],
        kind=kind,
        letter_id=letter.pk,
    )


def letter_file_add(*, actor: Any, letter: Letter, upload: Upload) -> LetterFile:
    """Add a scan or attachment to an incoming letter not yet disposed (its TU or
    a tenant admin who may read it; ``file_addable``)."""
    file_addable(actor=actor, letter=letter)
    checked = file_check(upload=upload)
    with stored_files_guard() as stored:
        name = stored.store(tenant_id=letter.tenant_id, checked=checked)
        with transaction.atomic():
            # Checked again on the locked row: disposed or re-routed meanwhile.
            locked = (
                Letter.objects.select_related("unit")
                .select_for_update(of=("self",))
                .get(pk=letter.pk)
            )
            file_addable(actor=actor, letter=locked)
            has_main = LetterFile.objects.filter(letter=locked).exists()
            _attach_one = LetterFile(
                tenant_id=locked.tenant_id,
                letter=locked,
                kind=LetterFile.Kind.ATTACHMENT if has_main else LetterFile.Kind.MAIN,
                storage_name=name,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
            _attach_one.save()
            pages_schedule(letter=locked, content_types=[checked.content_type])
            audit_record(
                tenant=locked.tenant,
                actor=actor,
                action="letter.file_add",
                obj=locked,
                data={"file": checked.name, "sha256": checked.sha256},
            )
    return _attach_one


def _addressee_event(
    letter: Letter,
    *,
    kind: str,
    actor: Any,
    capacity: str,
    at: dt.datetime,
    note: str = "",
) -> None:
    """A history entry of something the addressee did, in the capacity they hold."""
    LetterEvent.objects.create(
        tenant_id=letter.tenant_id,
        letter=letter,
        at=at,
        kind=kind,
        person_id=actor.person_id,
        capacity=capacity,
        position_id=letter.addressed_position_id,
        note=note,
    )


def letter_read(*, actor: Any, letter: Letter) -> bool:
    """Record that a holder of the addressed position opened the letter (first read
    only changes the letter). Returns True when this was the first read."""
    capacity = held_positions(actor).get(letter.addressed_position_id or 0)
    # Decided before any transaction: every later opening of the letter page costs
    # no BEGIN/COMMIT.
    if capacity is None or letter.read_at is not None:
        return False
    return _letter_first_read(actor=actor, letter=letter, capacity=capacity)


@transaction.atomic
def _letter_first_read(*, actor: Any, letter: Letter, capacity: str) -> bool:
    now = timezone.now()
    updated = Letter.objects.filter(pk=letter.pk, read_at__isnull=True).update(
        read_at=now
    )
    if not updated:
        return False
    letter.read_at = now
    _addressee_event(letter, kind="read", actor=actor, capacity=capacity, at=now)
    if letter.is_copy:
        # A tembusan asks nothing more of its addressee than reading it.
        Letter.objects.filter(pk=letter.pk).update(
            status=IncomingStatus.DONE, done_at=now
        )
        letter.status, letter.done_at = IncomingStatus.DONE, now
    return True


@transaction.atomic
def letter_mark_done(*, actor: Any, letter: Letter, note: str = "") -> Letter:
    """The addressee settles a letter without disposing it (read for information,
    filed). Only while it has no disposition; once settled it is not disposed."""
    from warkat.core.errors import Conflict

    capacity = held_positions(actor).get(letter.addressed_position_id or 0)
    if capacity is None:
        raise PermissionDenied(
            "letter.not_addressee",
            _("Only a holder of the addressed position may settle this letter."),
        )
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if locked.status != Letter.IncomingStatus.NEW:
        raise Conflict(
            "letter.not_settleable",
            _("This letter has dispositions; close them instead."),
        )
    now = timezone.now()
    locked.done_at = now
    locked.read_at = locked.read_at or now
    locked.status = Letter.IncomingStatus.DONE
    locked.save(update_fields=["done_at", "read_at", "status", "updated_at"])
    _addressee_event(
        locked, kind="done", actor=actor, capacity=capacity, at=now, note=note.strip()
    )
    audit_record(
        tenant=locked.tenant,
        actor=actor,
        action="letter.done",
        obj=locked,
        capacity=capacity,
        data={"note": note.strip()} if note.strip() else None,
    )
    return locked


#: The registration fields the TU may correct, in form order.
CORRECTABLE_FIELDS = (
    "sender_institution",
    "sender_name",
    "number",
    "letter_date",
    "received_date",
    "subject",
    "summary",
    "classification",
    "security",
    "urgency",
    "addressed_position",
)
#: Fields whose values a secret letter's audit trail keeps only as digests.
_CONTENT_FIELDS = frozenset({"subject", "summary"})
_DUPLICATE_FIELDS = frozenset({"sender_institution", "number", "letter_date"})


def _not_correctable() -> Any:
    from warkat.core.errors import Conflict

    return Conflict(
        "letter.not_correctable",
        _(
            "This letter has already been disposed or settled; its registration can "
            "no longer be corrected."
        ),
    )


def letter_correctable(*, actor: Any, letter: Letter) -> None:
    """Raise unless ``actor`` may correct ``letter`` now: the TU of its unit or a
    tenant admin, an incoming letter not yet disposed or settled (status "new", or
    "returned" to the TU by its addressee)."""
    if letter.direction != Direction.INCOMING:
        raise ValidationError(
            "letter.not_incoming", _("Only incoming letters can be corrected.")
        )
    if not (is_tenant_admin(actor) or letter.unit_id in tu_unit_ids(actor)):
        raise PermissionDenied(
            "letter.correct_forbidden",
            _(
                "Only the unit's records clerk (TU) or an administrator may correct "
                "this letter."
            ),
        )
    if letter.status not in (
        Letter.IncomingStatus.NEW,
        Letter.IncomingStatus.RETURNED,
    ):
        raise _not_correctable()


def _audit_value(value: Any) -> Any:
    if isinstance(value, ClassificationCode):
        return value.code
    if isinstance(value, Position):
        return {"id": value.pk, "name": value.name}
    return value


def _digest(value: Any) -> str:
    import hashlib

    return hashlib.sha256(str(value or "").encode()).hexdigest()


def _field_labels(names: Sequence[str]) -> str:
    """The changed fields' names (never their values) for the letter's history."""
    from django.utils import translation

    with translation.override("id"):
        return ", ".join(
            str(getattr(Letter._meta.get_field(n), "verbose_name", n)) for n in names
        )


def letter_update(
    *,
    actor: Any,
    letter: Letter,
    sender_institution: str | None = None,
    sender_name: str | None = None,
    number: str | None = None,
    letter_date: dt.date | None = None,
    received_date: dt.date | None = None,
    subject: str | None = None,
    summary: str | None = None,
    classification: ClassificationCode | None = None,
    security: str | None = None,
    urgency: str | None = None,
    addressed_position: Position | None = None,
    confirm_duplicate: bool = False,
) -> Letter:
    """The TU of the letter's unit (or a tenant admin) corrects the registration of
    an incoming letter that is not yet disposed; ``None`` leaves a field as it is.

    The agenda number stays. Changing the addressed position re-routes the letter
    (the new addressee is notified; the old one no longer sees it unless otherwise
    in its chain). A letter returned by its addressee is sent again (status "new",
    unread) even when nothing changed. A likely duplicate raises ``Conflict`` unless
    ``confirm_duplicate``, as at registration.
    """
    letter_correctable(actor=actor, letter=letter)
    given: dict[str, Any] = {
        name: value
        for name, value in {
            "sender_institution": sender_institution,
            "sender_name": sender_name,
            "number": number,
            "letter_date": letter_date,
            "received_date": received_date,
            "subject": subject,
            "summary": summary,
            "classification": classification,
            "security": security,
            "urgency": urgency,
            "addressed_position": addressed_position,
        }.items()
        if value is not None
    }
    given = {k: v.strip() if isinstance(v, str) else v for k, v in given.items()}
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        letter_correctable(actor=actor, letter=locked)
        before = {name: getattr(locked, name) for name in CORRECTABLE_FIELDS}
        after = {**before, **given}
        changed = [
            name
            for name in CORRECTABLE_FIELDS
            if name in given and _audit_value(given[name]) != _audit_value(before[name])
        ]
        resend = locked.status == Letter.IncomingStatus.RETURNED
        if not changed and not resend:
            return locked
        _validate_incoming(
            unit=locked.unit,
            addressed_position=after["addressed_position"],
            subject=after["subject"],
            classification=after["classification"],
            security=after["security"],
            urgency=after["urgency"],
            number=after["number"],
            letter_date=after["letter_date"],
            sender_institution=after["sender_institution"],
            received_date=after["received_date"],
            only=frozenset(changed),
        )
        correction_guard(
            actor=actor, letter=locked, before=before, after=after, changed=changed
        )
        if "received_date" in changed and after["received_date"].year != (
            locked.agenda_year
        ):
            raise ValidationError(
                "letter.received_year_fixed",
                _(
                    "The date received must stay in the agenda year %(year)s: the "
                    "agenda number is kept."
                ),
                field="received_date",
                params={"year": locked.agenda_year},
            )
        if _DUPLICATE_FIELDS & set(changed) and not confirm_duplicate:
            dupes = [
                d
                for d in letter_duplicates(
                    sender_institution=after["sender_institution"],
                    number=after["number"],
                    letter_date=after["letter_date"],
                )
                if d.pk != locked.pk
            ]
            if dupes:
                raise duplicate_letter(dupes[0].pk, dupes[0].agenda_label)
        secret = locked.is_secret or after["security"] in SECRET_LEVELS
        for name in changed:
            setattr(locked, name, after[name])
        rerouted = "addressed_position" in changed
        fields = [*changed, "updated_at"]
        if rerouted or resend:
            # The (new) addressee has not seen this version yet.
            locked.read_at = None
            fields.append("read_at")
        if resend:
            locked.status = Letter.IncomingStatus.NEW
            fields.append("status")
        locked.save(update_fields=fields)
        now = timezone.now()
        person_id = getattr(actor, "person_id", None)
        events = []
        if changed:
            events.append(
                LetterEvent(
                    tenant_id=locked.tenant_id,
                    letter=locked,
                    at=now,
                    kind="corrected",
                    person_id=person_id,
                    position_id=locked.addressed_position_id if rerouted else None,
                    note=_field_labels(changed),
                )
            )
        if resend:
            events.append(
                LetterEvent(
                    tenant_id=locked.tenant_id,
                    letter=locked,
                    at=now,
                    kind="resent",
                    person_id=person_id,
                    position_id=locked.addressed_position_id,
                )
            )
        LetterEvent.objects.bulk_create(events)
        diff: dict[str, Any] = {}
        for name in changed:
            if secret and name in _CONTENT_FIELDS:
                diff[name] = {
                    "before_sha256": _digest(before[name]),
                    "after_sha256": _digest(after[name]),
                }
            else:
                diff[name] = {
                    "before": _audit_value(before[name]),
                    "after": _audit_value(after[name]),
                }
        audit_record(
            tenant=locked.tenant,
            actor=actor,
            action="letter.correct",
            obj=locked,
            data={"changed": diff, "resent": resend},
        )
        if rerouted:
            _notify_addressee(locked)
            former = before["addressed_position"]
            if former is not None:
                from warkat.notify.services import REROUTED, notify_positions

                notify_positions(
                    tenant_id=locked.tenant_id,
                    position_ids=[getattr(former, "pk", former)],
                    kind=REROUTED,
                    letter_id=locked.pk,
                )
        elif resend:
            _notify_addressee(locked, kind="letter.corrected")
    return locked


def _return_forbidden() -> PermissionDenied:
    return PermissionDenied(
        "letter.return_forbidden",
        _(
            "Only a holder of the addressed position may send this letter back "
            "to the records clerk (TU)."
        ),
    )


def letter_return(*, actor: Any, letter: Letter, reason: str) -> Letter:
    """The addressee sends a letter not yet disposed back to the records clerk (TU)
    of its unit, with a reason (wrong addressee, wrong data). The TU sees it flagged
    in the registry and corrects it with ``letter_update``, which sends it again."""
    from warkat.core.errors import Conflict

    if letter.direction != Direction.INCOMING:
        raise ValidationError(
            "letter.not_incoming", _("Only incoming letters can be corrected.")
        )
    held = held_positions(actor)
    if letter.addressed_position_id not in held:
        raise _return_forbidden()
    reason = reason_clean(
        reason,
        code="letter.return_reason",
        required=_("Give the reason for sending the letter back."),
    )
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        capacity = held.get(locked.addressed_position_id or 0)
        if capacity is None:
            raise _return_forbidden()  # re-routed meanwhile
        if locked.status == Letter.IncomingStatus.RETURNED:
            raise Conflict(
                "letter.already_returned",
                _("This letter is already with the records clerk (TU)."),
            )
        if locked.status != Letter.IncomingStatus.NEW:
            raise Conflict(
                "letter.not_returnable",
                _(
                    "This letter has already been disposed or settled; it can no "
                    "longer be sent back to the records clerk (TU)."
                ),
            )
        now = timezone.now()
        locked.status = Letter.IncomingStatus.RETURNED
        # Read by whoever returns it: it is not waiting in their inbox any more.
        locked.read_at = locked.read_at or now
        locked.save(update_fields=["status", "read_at", "updated_at"])
        _addressee_event(
            locked,
            kind="sent_to_tu",
            actor=actor,
            capacity=capacity,
            at=now,
            note=reason,
        )
        audit_record(
            tenant=locked.tenant,
            actor=actor,
            action="letter.return",
            obj=locked,
            capacity=capacity,
            data={"reason": reason},
        )
        _notify_registry(locked, kind="letter.returned")
    return locked


def _notify_registry(letter: Letter, *, kind: str) -> None:
    """Notify the records clerks (TU) of the letter's unit and whoever registered
    it. They are not in its chain, so a secret letter's notice names no subject."""
    from django.db.models import Q

    from warkat.accounts.models import Role, User
    from warkat.notify.services import notify_positions

    people = set(
        User.objects.filter(
            Q(roles__role=Role.TU, roles__unit_id=letter.unit_id)
            | Q(pk=letter.registered_by_id or 0),
            person__isnull=False,
        ).values_list("person_id", flat=True)
    )
    notify_positions(
        tenant_id=letter.tenant_id,
        position_ids=[],
        person_ids=sorted(people),
        kind=kind,
        letter_id=letter.pk,
    )


def receiving_unit(position: Position) -> Unit:
    """The unit whose agenda book receives letters for ``position``: the nearest OPD
    (or the Pemda root) at or above the position's unit."""
    unit = position.unit
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    chain = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    for pk in reversed(ids):
        candidate = chain.get(pk)
        if candidate and (candidate.is_opd or candidate.parent_id is None):
            return candidate
    return unit


def letter_receive_internal(
    *,
    source_letter: Letter,
    to_position_id: int,
    sender_institution: str,
    sender_name: str = "",
    files: Sequence[Upload] = (),
    is_copy: bool = False,
) -> Letter:
    """Deliver a letter sent inside Warkat to a position, possibly in another tenant
    (``is_copy``: as tembusan, for information only).

    Registers it in the receiving unit's agenda book like a letter the TU entered,
    with ``source_letter`` pointing at the sent letter. Idempotent per (source letter,
    position): a second call returns the letter already delivered.
    """
    # Cross-tenant by nature: the recipient position may belong to another Pemda.
    with all_tenants():
        position = Position.objects.select_related("unit", "tenant").get(
            pk=to_position_id
        )
        target = position.tenant
    checked = [file_check(upload=f) for f in files]
    with tenant_scope(target):
        existing = Letter.objects.filter(
            source_letter_id=source_letter.pk, addressed_position=position
        ).first()
        if existing is not None:
            return existing
        unit = receiving_unit(position)
        with stored_files_guard() as stored:
            names = [stored.store(tenant_id=target.pk, checked=c) for c in checked]
            try:
                with transaction.atomic():
                    letter = _deliver(
                        target=target,
                        unit=unit,
                        position=position,
                        source_letter=source_letter,
                        sender_institution=sender_institution,
                        sender_name=sender_name,
                        checked=checked,
                        names=names,
                        is_copy=is_copy,
                    )
            except IntegrityError:
                # Delivered concurrently by another worker: keep that one.
                found = Letter.objects.filter(
                    source_letter_id=source_letter.pk, addressed_position=position
                ).first()
                if found is None:
                    raise
                stored.discard()
                return found
    return letter


def _deliver(
    *,
    target: Tenant,
    unit: Unit,
    position: Position,
    source_letter: Letter,
    sender_institution: str,
    sender_name: str,
    checked: Sequence[CheckedFile],
    names: Sequence[str],
    is_copy: bool = False,
) -> Letter:
    # The receiving Pemda's day: it may sit in another time zone than the sender.
    received = tenant_localdate(target)
    letter = _letter_create_incoming(
        tenant=target,
        unit=unit,
        addressed_position=position,
        subject=source_letter.subject,
        summary=source_letter.summary,
        classification=source_letter.classification,
        security=source_letter.security,
        urgency=source_letter.urgency,
        number=source_letter.number,
        letter_date=source_letter.letter_date or received,
        sender_institution=sender_institution,
        sender_name=sender_name,
        received_date=received,
        registered_by=None,
        source_letter=source_letter,
        is_copy=is_copy,
    )
    _attach(letter=letter, checked=checked, names=names, uploaded_by=None)
    LetterEvent.objects.create(
        tenant=target,
        letter=letter,
        at=timezone.now(),
        kind="delivered",
        note=letter.agenda_label,
    )
    audit_record(
        tenant=target,
        actor=None,
        action="letter.receive_internal",
        obj=letter,
        data={"source_letter": source_letter.pk, "agenda": letter.agenda_label},
    )
    _notify_addressee(letter)
    return letter


__all__ = [
    "StoredFiles",
    "agenda_allocate",
    "letter_correctable",
    "letter_duplicates",
    "letter_file_add",
    "letter_read",
    "letter_receive_internal",
    "letter_register",
    "letter_return",
    "letter_update",
    "receiving_unit",
]
