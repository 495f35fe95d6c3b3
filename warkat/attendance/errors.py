"""Errors of the attendance domain (mapped to HTTP by the API, to pages by views)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import Conflict, NotFound, PermissionDenied, ValidationError


def coordinates_missing() -> ValidationError:
    return ValidationError(
        "attendance.coordinates_missing",
        _("Your position is missing: allow location access and try again."),
        field="latitude",
    )


def coordinates_invalid() -> ValidationError:
    return ValidationError(
        "attendance.coordinates_invalid",
        _("The position sent is impossible (latitude, longitude or accuracy)."),
        field="latitude",
    )


def device_time_invalid() -> ValidationError:
    return ValidationError(
        "attendance.device_time_invalid",
        _(
            "The phone's time of an offline record is missing, in the future or older than %(days)s days."
        ),
        field="device_at",
        params={"days": 7},
    )


def no_person() -> PermissionDenied:
    return PermissionDenied(
        "attendance.no_person",
        _("Your account is not linked to a person of the organisation."),
    )


def forbidden() -> PermissionDenied:
    return PermissionDenied(
        "attendance.forbidden",
        _("You may not see or decide the attendance of this person or unit."),
    )


def not_found() -> NotFound:
    return NotFound("attendance.not_found", _("Attendance record not found."))


def request_not_found() -> NotFound:
    return NotFound("attendance.request_not_found", _("Request not found."))


def unit_not_found() -> NotFound:
    return NotFound("attendance.unit_not_found", _("Unit not found."))


def not_flagged() -> Conflict:
    return Conflict(
        "attendance.not_pending",
        _("This record is not awaiting review."),
    )


def reason_required() -> ValidationError:
    return ValidationError(
        "attendance.reason_required", _("Give a reason."), field="reason"
    )


def decision_invalid() -> ValidationError:
    return ValidationError(
        "attendance.decision_invalid",
        _("The decision must be accept or reject."),
        field="decision",
    )


def dates_invalid() -> ValidationError:
    return ValidationError(
        "attendance.dates_invalid",
        _(
            "The end date cannot be before the start date, and a request covers at most 366 days."
        ),
        field="end_date",
    )


def kind_invalid() -> ValidationError:
    return ValidationError(
        "attendance.kind_invalid", _("Unknown kind of request."), field="kind"
    )


def overlap(start: object, end: object) -> Conflict:
    return Conflict(
        "attendance.request_overlap",
        _(
            "You already have a request from %(start)s to %(end)s that overlaps these dates."
        ),
        params={"start": start, "end": end},
    )


def no_superior() -> ValidationError:
    return ValidationError(
        "attendance.no_superior",
        _("Your position has no superior position to approve the request."),
    )


def balance_exceeded(left: int) -> ValidationError:
    return ValidationError(
        "attendance.balance_exceeded",
        _("Not enough annual leave: %(left)s working days left this year."),
        field="end_date",
        params={"left": left},
    )


def no_working_day() -> ValidationError:
    return ValidationError(
        "attendance.no_working_day",
        _("These dates contain no working day."),
        field="start_date",
    )


def correction_invalid() -> ValidationError:
    return ValidationError(
        "attendance.correction_invalid",
        _(
            "A correction names one past or current day, check-in or check-out, and a time."
        ),
        field="correction_time",
    )


def wrong_state(state: str) -> Conflict:
    return Conflict(
        "attendance.request_wrong_state",
        _("This request is %(state)s; it cannot be decided now."),
        params={"state": state},
    )


def not_approver() -> PermissionDenied:
    return PermissionDenied(
        "attendance.not_approver",
        _("You do not hold the position this request is addressed to today."),
    )


def month_invalid() -> ValidationError:
    return ValidationError(
        "attendance.month_invalid",
        _("Give the month as YYYY-MM."),
        field="month",
    )


def month_future() -> ValidationError:
    return ValidationError(
        "attendance.month_future",
        _("A recap cannot be made for a month that has not started."),
        field="month",
    )


def direction_invalid() -> ValidationError:
    return ValidationError(
        "attendance.direction_invalid",
        _("The direction must be in or out."),
        field="direction",
    )


def source_invalid() -> ValidationError:
    return ValidationError(
        "attendance.source_invalid",
        _("The source must be web, offline or machine."),
        field="source",
    )


def format_invalid() -> ValidationError:
    return ValidationError(
        "attendance.format_invalid",
        _("The format must be xlsx or pdf."),
        field="fmt",
    )


def setting_invalid(name: str) -> ValidationError:
    return ValidationError(
        "attendance.setting_invalid",
        _("The value of %(name)s is not valid."),
        field=name,
        params={"name": name},
    )


def radius_invalid() -> ValidationError:
    return ValidationError(
        "attendance.radius_invalid",
        _("The radius must be between 15 and 200 metres."),
        field="radius_m",
    )


def location_not_found() -> NotFound:
    return NotFound("attendance.location_not_found", _("Work location not found."))


def schedule_invalid() -> ValidationError:
    return ValidationError(
        "attendance.schedule_invalid",
        _(
            "A schedule needs a name and, for each weekday at most once, an end after its start."
        ),
        field="days",
    )


def batch_too_large(limit: int) -> ValidationError:
    return ValidationError(
        "attendance.batch_too_large",
        _("Send at most %(limit)s records at once."),
        field="records",
        params={"limit": limit},
    )


def selfie_missing() -> ValidationError:
    return ValidationError(
        "attendance.selfie_missing",
        _("A selfie is required with a check-in: take a picture and try again."),
        field="selfie",
    )


def selfie_invalid() -> ValidationError:
    return ValidationError(
        "attendance.selfie_invalid",
        _("The selfie is not a readable picture (JPEG, PNG or WebP up to %(mb)s MB)."),
        field="selfie",
        params={"mb": 5},
    )


def selfie_not_found() -> NotFound:
    return NotFound("attendance.selfie_not_found", _("No selfie for this record."))


def roster_invalid(
    row: int, problems: list[dict[str, object]] | None = None
) -> ValidationError:
    return ValidationError(
        "attendance.roster_invalid",
        _(
            "Roster row %(row)s: unknown person or shift, or the same person and day twice (nothing was imported)."
        ),
        field="rows",
        params={"row": row},
        details=problems,
    )


def document_missing(names: list[str]) -> ValidationError:
    return ValidationError(
        "attendance.document_missing",
        _("This request needs a document attached: %(names)s."),
        field="documents",
        params={"names": "; ".join(names)},
    )


def document_invalid() -> ValidationError:
    return ValidationError(
        "attendance.document_invalid",
        _("A document must be a PDF, JPEG or PNG file."),
        field="documents",
    )


def document_too_large(megabytes: int) -> ValidationError:
    return ValidationError(
        "attendance.document_too_large",
        _("A document is empty or larger than %(mb)s MB."),
        field="documents",
        params={"mb": megabytes},
    )


def documents_too_many(limit: int) -> ValidationError:
    return ValidationError(
        "attendance.documents_too_many",
        _("At most %(limit)s documents per request."),
        field="documents",
        params={"limit": limit},
    )


def document_not_found() -> NotFound:
    return NotFound("attendance.document_not_found", _("Document not found."))


def leave_spans_years() -> ValidationError:
    return ValidationError(
        "attendance.leave_spans_years",
        _(
            "Annual leave is counted per year: make one request for the days of each year."
        ),
        field="end_date",
    )


def balance_forbidden() -> PermissionDenied:
    return PermissionDenied(
        "attendance.forbidden",
        _("You may not see the leave balance of this person."),
    )


def leave_too_long(months: int) -> ValidationError:
    return ValidationError(
        "attendance.leave_too_long",
        _("This kind of leave lasts at most %(months)s month(s)."),
        field="end_date",
        params={"months": months},
    )


def service_too_short(eligible: object) -> ValidationError:
    return ValidationError(
        "attendance.service_too_short",
        _(
            "Annual leave is for a PNS/CPNS with at least one year of service: "
            "it can start from %(date)s."
        ),
        field="start_date",
        params={"date": str(eligible)},
    )


def long_leave_service_too_short(eligible: object) -> ValidationError:
    return ValidationError(
        "attendance.long_leave_service_too_short",
        _(
            "Long leave (cuti besar) and unpaid leave (CLTN) are for a PNS with at "
            "least five years of continuous service: they can start from %(date)s."
        ),
        field="start_date",
        params={"date": str(eligible)},
    )


def maternity_limit(children: int) -> ValidationError:
    return ValidationError(
        "attendance.maternity_limit",
        _(
            "Maternity leave is given for the first %(children)s children only; "
            "for a later child, ask for long leave (cuti besar)."
        ),
        field="kind",
        params={"children": children},
    )


def bulk_dates_invalid(days: int) -> ValidationError:
    return ValidationError(
        "attendance.bulk_dates_invalid",
        _(
            "A bulk correction covers days up to today, the end not before the "
            "start, at most %(days)s days."
        ),
        field="end_date",
        params={"days": days},
    )
