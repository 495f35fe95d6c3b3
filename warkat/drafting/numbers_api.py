"""HTTP API of the number register of outgoing letters: a unit's register for a
year, reserving a number and voiding one. (No postponed annotations here: the
routes are wrapped, and ninja resolves types at import.) The operation ids are those
these routes had in ``drafting.api``."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from warkat.api.base import ERROR_RESPONSES, Id, PageNo, scope
from warkat.drafting import errors, selectors
from warkat.drafting.api import _page, _ref
from warkat.drafting.catalogue import catalogue_ensure
from warkat.drafting.models import NaskahType, NumberEntry
from warkat.drafting.register import number_reserve, number_void
from warkat.org.api import in_caller_tenant
from warkat.org.models import Unit

router = Router(tags=["outgoing letters"])


class NumberOut(Schema):
    id: int
    naskah_type: str
    year: int
    sequence: int
    number: str
    kind: str
    letter_id: int | None
    subject: str
    taken_at: dt.datetime
    voided_at: dt.datetime | None
    void_reason: str


def number_out(e: NumberEntry) -> NumberOut:
    secret = e.letter is not None and e.letter.is_secret
    return NumberOut(
        id=e.pk, naskah_type=e.naskah_type.name, year=e.year, sequence=e.sequence,
        number=e.number, kind=e.kind, letter_id=e.letter_id,
        subject="" if secret else e.subject, taken_at=e.taken_at, voided_at=e.voided_at,
        void_reason=e.void_reason,
    )  # fmt: skip


class NumberQuery(Schema):
    unit_id: Id
    year: int
    page: PageNo = 1


class NumberPageOut(Schema):
    page: int
    has_next: bool
    items: list[NumberOut]


@router.get(
    "/numbers",
    response={200: NumberPageOut, **ERROR_RESPONSES},
    operation_id="warkat_drafting_api_numbers_api",
    auth=scope("letters:read"),
)
@in_caller_tenant
def numbers_api(request: HttpRequest, q: Query[NumberQuery]) -> Any:
    """A unit's number register for a year (TU of the unit, admins), a page at a
    time like the other lists. Subjects of secret letters are left out."""
    user = request.auth  # type: ignore[attr-defined]
    unit = _ref(Unit, q.unit_id, "unit_id")
    rows, has_next = _page(
        selectors.number_register(user=user, unit=unit, year=q.year), q.page
    )
    return NumberPageOut(
        page=q.page, has_next=has_next, items=[number_out(e) for e in rows]
    )


class ReserveIn(Schema):
    unit_id: Id
    naskah_type: str
    subject: str
    classification_code: str = ""


@router.post(
    "/numbers/reserve",
    response={201: NumberOut, **ERROR_RESPONSES},
    operation_id="warkat_drafting_api_reserve_api",
    auth=scope("letters:sign"),
)
@in_caller_tenant
def reserve_api(request: HttpRequest, data: ReserveIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    catalogue_ensure(tenant=user.tenant)
    naskah = NaskahType.objects.filter(code=data.naskah_type).first()
    if naskah is None:
        raise errors.invalid(
            "type_invalid", _("Choose an active naskah type."), "naskah_type"
        )
    entry = number_reserve(
        actor=user, unit=_ref(Unit, data.unit_id, "unit_id"), naskah_type=naskah,
        subject=data.subject, classification_code=data.classification_code,
    )  # fmt: skip
    return 201, number_out(entry)


class VoidIn(Schema):
    reason: str


@router.post(
    "/numbers/{entry_id}/void",
    response={200: NumberOut, **ERROR_RESPONSES},
    operation_id="warkat_drafting_api_void_api",
    auth=scope("letters:sign"),
)
@in_caller_tenant
def void_api(request: HttpRequest, entry_id: Id, data: VoidIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    entry = (
        NumberEntry.objects.filter(pk=entry_id)
        .select_related("naskah_type", "letter")
        .first()
    )
    if entry is None:
        raise errors.invalid("unknown_reference", _("Unknown reference."), "entry_id")
    voided = number_void(actor=user, entry=entry, reason=data.reason)
    voided.naskah_type = entry.naskah_type
    voided.letter = entry.letter
    return number_out(voided)
