"""Domain errors of the organisation: units, positions, people, assignments, imports."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import Conflict, NotFound, PermissionDenied, ValidationError


def required(field: str) -> ValidationError:
    return ValidationError(
        "org.required",
        _("The field %(field)s is required."),
        field=field,
        params={"field": field},
    )


def too_long(field: str, limit: int) -> ValidationError:
    return ValidationError(
        "org.too_long",
        _("The field %(field)s is longer than %(limit)s characters."),
        field=field,
        params={"field": field, "limit": limit},
    )


def bad_choice(field: str, value: str, allowed: list[str]) -> ValidationError:
    return ValidationError(
        "org.bad_choice",
        _("%(value)s is not a valid %(field)s; allowed: %(allowed)s."),
        field=field,
        params={"field": field, "value": value or "—", "allowed": ", ".join(allowed)},
    )


def bad_code(field: str, value: str) -> ValidationError:
    return ValidationError(
        "org.bad_code",
        _(
            "Code %(value)s is not valid: use capital letters, digits, dots, "
            "hyphens or underscores."
        ),
        field=field,
        params={"value": value},
    )


def bad_email(field: str, value: str) -> ValidationError:
    return ValidationError(
        "org.bad_email",
        _("%(value)s is not a valid e-mail address."),
        field=field,
        params={"value": value},
    )


def bad_phone(field: str, value: str) -> ValidationError:
    return ValidationError(
        "org.bad_phone",
        _("%(value)s is not a valid phone number."),
        field=field,
        params={"value": value},
    )


def bad_date(field: str, value: Any) -> ValidationError:
    return ValidationError(
        "org.bad_date",
        _("%(value)s is not a valid date (use YYYY-MM-DD)."),
        field=field,
        params={"value": value},
    )


def unknown_field(field: str) -> ValidationError:
    return ValidationError(
        "org.unknown_field",
        _("The field %(field)s cannot be changed here."),
        field=field,
        params={"field": field},
    )


def nip_invalid(
    nip: str, reason: str, message: Any, params: dict[str, Any] | None = None
) -> ValidationError:
    """``message`` is a whole sentence per reason so each translates on its own."""
    return ValidationError(
        f"org.nip_{reason}",
        message,
        field="nip",
        params={"nip": nip or "—", **(params or {})},
    )


def nip_duplicate(nip: str, name: str) -> Conflict:
    return Conflict(
        "org.nip_duplicate",
        _("NIP %(nip)s is already registered to %(name)s."),
        field="nip",
        params={"nip": nip, "name": name},
    )


def nip_not_allowed(employee_type: str) -> ValidationError:
    return ValidationError(
        "org.nip_not_allowed",
        _("Only PNS and PPPK have a NIP; leave it empty for %(type)s."),
        field="nip",
        params={"type": employee_type},
    )


def nip_required(employee_type: str) -> ValidationError:
    return ValidationError(
        "org.nip_required",
        _("A NIP is required for %(type)s employees."),
        field="nip",
        params={"type": employee_type},
    )


def rank_invalid(rank: str, employee_type: str, allowed: list[str]) -> ValidationError:
    return ValidationError(
        "org.rank_invalid",
        _("Rank %(rank)s is not valid for %(type)s; allowed: %(allowed)s."),
        field="rank",
        params={"rank": rank, "type": employee_type, "allowed": ", ".join(allowed)},
    )


_CODE_TAKEN = {
    "unit": _("The code %(code)s is already used by another unit."),
    "position": _("The code %(code)s is already used by another position."),
}


def code_duplicate(what: str, code: str) -> Conflict:
    return Conflict(
        "org.code_duplicate",
        _CODE_TAKEN[what],
        field="code",
        params={"code": code},
    )


def region_duplicate(region_code: str) -> Conflict:
    return Conflict(
        "org.region_duplicate",
        _("Region code %(code)s already belongs to another unit."),
        field="region_code",
        params={"code": region_code},
    )


def unit_cycle(unit: str, parent: str) -> ValidationError:
    return ValidationError(
        "org.unit_cycle",
        _(
            "Unit %(unit)s cannot be moved under %(parent)s: a unit cannot be "
            "its own ancestor."
        ),
        field="parent",
        params={"unit": unit, "parent": parent},
    )


def unit_root_fixed() -> ValidationError:
    return ValidationError(
        "org.unit_root_fixed",
        _("The root unit of the Pemda cannot be moved, re-kinded or deactivated."),
        field="parent",
    )


def parent_required() -> ValidationError:
    return ValidationError(
        "org.parent_required",
        _("Choose the parent unit; only the Pemda itself is at the root."),
        field="parent",
    )


_INACTIVE = {
    "unit": _("Unit %(name)s is inactive."),
    "position": _("Position %(name)s is inactive."),
    "person": _("%(name)s is no longer active."),
}


def inactive(what: str, name: str, field: str) -> ValidationError:
    return ValidationError(
        "org.inactive", _INACTIVE[what], field=field, params={"name": name}
    )


def path_too_deep() -> ValidationError:
    return ValidationError(
        "org.path_too_deep",
        _("The unit tree would become too deep."),
        field="parent",
    )


def unit_has_children(name: str) -> Conflict:
    return Conflict(
        "org.unit_has_children",
        _("Unit %(name)s still has active sub-units; deactivate them first."),
        params={"name": name},
    )


def unit_has_holders(name: str) -> Conflict:
    return Conflict(
        "org.unit_has_holders",
        _(
            "Unit %(name)s still has positions with current holders; end those "
            "assignments first."
        ),
        params={"name": name},
    )


def eselon_mismatch(eselon: str, category: str) -> ValidationError:
    return ValidationError(
        "org.eselon_mismatch",
        _("Echelon %(eselon)s does not fit the position category %(category)s."),
        field="eselon",
        params={"eselon": eselon, "category": category},
    )


def superior_cycle(position: str) -> ValidationError:
    return ValidationError(
        "org.superior_cycle",
        _(
            "Position %(position)s cannot report to that superior: the reporting "
            "line would run in a circle."
        ),
        field="superior",
        params={"position": position},
    )


def head_exists(unit: str, position: str) -> Conflict:
    return Conflict(
        "org.head_exists",
        _("Unit %(unit)s already has a head position: %(position)s."),
        field="is_head",
        params={"unit": unit, "position": position},
    )


def dates_order() -> ValidationError:
    return ValidationError(
        "org.dates_order",
        _("The end date must not be before the start date."),
        field="end_date",
    )


def definitif_taken(position: str, holder: str, start: Any, end: Any) -> Conflict:
    return Conflict(
        "org.definitif_taken",
        _(
            "Position %(position)s already has a definitive holder, %(holder)s "
            "(from %(start)s to %(end)s). End that assignment first, or appoint a "
            "Plt./Plh."
        ),
        field="kind",
        params={"position": position, "holder": holder, "start": start, "end": end},
    )


def definitif_overlap(position: str) -> Conflict:
    return Conflict(
        "org.definitif_taken_db",
        _("Position %(position)s already has a definitive holder in that period."),
        field="kind",
        params={"position": position},
    )


def assignment_overlap(person: str, position: str) -> Conflict:
    return Conflict(
        "org.assignment_overlap",
        _("%(person)s already holds %(position)s in that period."),
        field="start_date",
        params={"person": person, "position": position},
    )


def assignment_ended(end: Any) -> Conflict:
    return Conflict(
        "org.assignment_ended",
        _("This assignment already ended on %(end)s."),
        field="end_date",
        params={"end": end},
    )


def other_tenant(field: str) -> ValidationError:
    # Same wording as a missing object: never confirm another tenant's ids exist.
    return ValidationError(
        "org.not_found",
        _("The selected %(field)s does not exist."),
        field=field,
        params={"field": field},
    )


_NOT_FOUND = {
    "unit": _("Unit not found."),
    "position": _("Position not found."),
    "person": _("Person not found."),
    "assignment": _("Assignment not found."),
}


def not_found(what: str) -> NotFound:
    return NotFound("org.not_found", _NOT_FOUND[what])


def forbidden_unit(name: str) -> PermissionDenied:
    return PermissionDenied(
        "org.forbidden_unit",
        _("You may only manage units inside your own unit (not %(name)s)."),
        params={"name": name},
    )


def forbidden() -> PermissionDenied:
    return PermissionDenied(
        "org.forbidden",
        _("Only the Pemda administrator or a unit administrator may do this."),
    )
