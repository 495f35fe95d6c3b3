"""HTTP API of the organisation: units, positions, people and assignments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from warkat.api.base import ERROR_RESPONSES, MAX_ID, Id, scope
from warkat.org import errors, selectors
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.services import assignments as assignment_services
from warkat.org.services import people as person_services
from warkat.org.services import positions as position_services
from warkat.org.services import units as unit_services
from warkat.tenancy.scope import tenant_scope

router = Router(tags=["organisation"])


MAX_LIMIT = 200


def in_caller_tenant[F: Callable[..., Any]](view: F) -> F:
    """Run the endpoint inside the calling user's tenant scope (token or session)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request.auth  # type: ignore[attr-defined]
        if user is None or user.tenant is None:
            raise HttpError(401, "Authentication required.")
        with tenant_scope(user.tenant):
            return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _get[M: Model](model: type[M], pk: int | None, what: str) -> M:
    obj = model.objects.filter(pk=pk).first() if pk is not None else None  # type: ignore[attr-defined]
    if obj is None:
        raise errors.not_found(what)
    return obj


def _ref[M: Model](model: type[M], pk: int | None, field: str) -> M | None:
    """An id given in a request body: unknown (or another tenant's) → 422."""
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()  # type: ignore[attr-defined]
    if obj is None:
        raise errors.other_tenant(field)
    return obj


class PageParams(Schema):
    limit: int = 50
    offset: int = Field(0, le=MAX_ID)


def _page(qs: QuerySet, params: PageParams) -> tuple[int, QuerySet]:
    limit = max(1, min(params.limit, MAX_LIMIT))
    offset = max(0, params.offset)
    return qs.count(), qs[offset : offset + limit]


# --- units ------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    parent_id: int | None
    kind: str
    name: str
    code: str
    region_code: str | None
    depth: int
    address: str
    phone: str
    email: str
    website: str
    is_active: bool


class UnitList(Schema):
    count: int
    items: list[UnitOut]


class UnitIn(Schema):
    parent_id: Id
    kind: str
    name: str
    code: str
    region_code: str | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""


class UnitPatch(Schema):
    parent_id: Id | None = None
    kind: str | None = None
    name: str | None = None
    code: str | None = None
    region_code: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    is_active: bool | None = None


class UnitFilters(PageParams):
    q: str = ""
    parent_id: Id | None = None
    kind: str = ""
    active: bool | None = True


def _patch_fields(body: Schema, refs: dict[str, tuple[type[Model], str]]) -> dict:
    """The fields a PATCH body sets; ``*_id`` references resolved in the tenant."""
    fields = body.model_dump(exclude_unset=True)
    for key, (model, name) in refs.items():
        if key in fields:
            pk = fields.pop(key)
            fields[name] = _ref(model, pk, name) if pk is not None else None
    return fields


@router.get(
    "/units", response={200: UnitList, **ERROR_RESPONSES}, auth=scope("org:read")
)
@in_caller_tenant
def unit_list(request: HttpRequest, filters: Query[UnitFilters]) -> Any:
    count, items = _page(
        selectors.units_filter(
            q=filters.q,
            parent=filters.parent_id,
            kind=filters.kind,
            active=filters.active,
        ),
        filters,
    )
    return {"count": count, "items": list(items)}


@router.get(
    "/units/{unit_id}",
    response={200: UnitOut, **ERROR_RESPONSES},
    auth=scope("org:read"),
)
@in_caller_tenant
def unit_detail(request: HttpRequest, unit_id: Id) -> Any:
    return _get(Unit, unit_id, "unit")


@router.post(
    "/units", response={201: UnitOut, **ERROR_RESPONSES}, auth=scope("org:write")
)
@in_caller_tenant
def unit_create(request: HttpRequest, body: UnitIn) -> Any:
    data = body.model_dump()
    parent = _ref(Unit, data.pop("parent_id"), "parent")
    unit = unit_services.unit_create(
        tenant=request.auth.tenant,  # type: ignore[attr-defined]
        actor=request.auth,  # type: ignore[attr-defined]
        parent=parent,
        **data,
    )
    return 201, unit


@router.patch(
    "/units/{unit_id}",
    response={200: UnitOut, **ERROR_RESPONSES},
    auth=scope("org:write"),
)
@in_caller_tenant
def unit_update(request: HttpRequest, unit_id: Id, body: UnitPatch) -> Any:
    unit = _get(Unit, unit_id, "unit")
    fields = _patch_fields(body, {"parent_id": (Unit, "parent")})
    return unit_services.unit_update(unit=unit, actor=request.auth, **fields)  # type: ignore[attr-defined]


# --- positions --------------------------------------------------------------------


class HolderOut(Schema):
    assignment_id: int
    person_id: int
    name: str
    kind: str
    start_date: dt.date
    end_date: dt.date | None


class PositionOut(Schema):
    id: int
    unit_id: int
    name: str
    code: str
    category: str
    eselon: str
    superior_id: int | None
    is_head: bool
    is_active: bool
    holders: list[HolderOut] = []


class PositionList(Schema):
    count: int
    items: list[PositionOut]


class PositionIn(Schema):
    unit_id: Id
    name: str
    code: str
    category: str
    eselon: str = ""
    superior_id: Id | None = None
    is_head: bool = False


class PositionPatch(Schema):
    unit_id: Id | None = None
    name: str | None = None
    code: str | None = None
    category: str | None = None
    eselon: str | None = None
    superior_id: Id | None = None
    is_head: bool | None = None
    is_active: bool | None = None


class PositionFilters(PageParams):
    unit_id: Id | None = None
    q: str = ""


def _position_out(position: Position) -> dict[str, Any]:
    holders = getattr(position, "holders", None)
    if holders is None:
        holders = list(selectors.position_holders(position=position))
    return {
        **{f: getattr(position, f) for f in PositionOut.model_fields if f != "holders"},
        "holders": [
            {
                "assignment_id": a.pk,
                "person_id": a.person_id,
                "name": a.person.display_name,
                "kind": a.kind,
                "start_date": a.start_date,
                "end_date": a.end_date,
            }
            for a in holders
        ],
    }


@router.get(
    "/positions",
    response={200: PositionList, **ERROR_RESPONSES},
    auth=scope("org:read"),
)
@in_caller_tenant
def position_list(request: HttpRequest, filters: Query[PositionFilters]) -> Any:
    qs = selectors.positions_with_holders().filter(is_active=True)
    if filters.unit_id is not None:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.q.strip():
        qs = qs.filter(name__icontains=filters.q.strip())
    count, items = _page(qs, filters)
    return {"count": count, "items": [_position_out(p) for p in items]}


@router.get(
    "/positions/{position_id}",
    response={200: PositionOut, **ERROR_RESPONSES},
    auth=scope("org:read"),
)
@in_caller_tenant
def position_detail(request: HttpRequest, position_id: Id) -> Any:
    return _position_out(_get(Position, position_id, "position"))


@router.post(
    "/positions",
    response={201: PositionOut, **ERROR_RESPONSES},
    auth=scope("org:write"),
)
@in_caller_tenant
def position_create(request: HttpRequest, body: PositionIn) -> Any:
    data = body.model_dump()
    unit = _ref(Unit, data.pop("unit_id"), "unit")
    if unit is None:
        raise errors.required("unit")
    position = position_services.position_create(
        tenant=request.auth.tenant,  # type: ignore[attr-defined]
        actor=request.auth,  # type: ignore[attr-defined]
        unit=unit,
        superior=_ref(Position, data.pop("superior_id"), "superior"),
        **data,
    )
    return 201, _position_out(position)


@router.patch(
    "/positions/{position_id}",
    response={200: PositionOut, **ERROR_RESPONSES},
    auth=scope("org:write"),
)
@in_caller_tenant
def position_update(request: HttpRequest, position_id: Id, body: PositionPatch) -> Any:
    position = _get(Position, position_id, "position")
    fields = _patch_fields(
        body, {"unit_id": (Unit, "unit"), "superior_id": (Position, "superior")}
    )
    position = position_services.position_update(
        position=position,
        actor=request.auth,  # type: ignore[attr-defined]
        **fields,
    )
    return _position_out(position)


# --- people -----------------------------------------------------------------------


class CurrentPositionOut(Schema):
    assignment_id: int
    position_id: int
    position: str
    unit: str
    kind: str


class PersonOut(Schema):
    id: int
    full_name: str
    display_name: str
    front_title: str
    back_title: str
    nip: str | None
    employee_type: str
    rank: str
    sex: str
    birth_date: dt.date | None
    email: str
    phone: str
    is_active: bool
    positions: list[CurrentPositionOut] = []


class PersonList(Schema):
    count: int
    items: list[PersonOut]


class PersonIn(Schema):
    full_name: str
    employee_type: str
    nip: str | None = None
    front_title: str = ""
    back_title: str = ""
    rank: str = ""
    email: str = ""
    phone: str = ""
    sex: str = ""
    birth_date: dt.date | None = None


class PersonPatch(Schema):
    full_name: str | None = None
    employee_type: str | None = None
    nip: str | None = None
    front_title: str | None = None
    back_title: str | None = None
    rank: str | None = None
    email: str | None = None
    phone: str | None = None
    sex: str | None = None
    birth_date: dt.date | None = None
    is_active: bool | None = None


class PersonFilters(PageParams):
    q: str = ""
    unit_id: Id | None = None


def _person_out(person: Person) -> dict[str, Any]:
    current = getattr(person, "current", None)
    if current is None:
        current = list(selectors.positions_held(person=person))
    data = {f: getattr(person, f) for f in PersonOut.model_fields if f != "positions"}
    data["positions"] = [
        {
            "assignment_id": a.pk,
            "position_id": a.position_id,
            "position": f"{a.capacity_prefix} {a.position.name}".strip(),
            "unit": a.position.unit.name,
            "kind": a.kind,
        }
        for a in current
    ]
    return data


@router.get(
    "/people", response={200: PersonList, **ERROR_RESPONSES}, auth=scope("org:read")
)
@in_caller_tenant
def person_list(request: HttpRequest, filters: Query[PersonFilters]) -> Any:
    unit = _ref(Unit, filters.unit_id, "unit")
    count, items = _page(selectors.people_filter(q=filters.q, unit=unit), filters)
    people = selectors.people_with_positions(items)
    return {"count": count, "items": [_person_out(p) for p in people]}


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, **ERROR_RESPONSES},
    auth=scope("org:read"),
)
@in_caller_tenant
def person_detail(request: HttpRequest, person_id: Id) -> Any:
    return _person_out(_get(Person, person_id, "person"))


@router.post(
    "/people", response={201: PersonOut, **ERROR_RESPONSES}, auth=scope("org:write")
)
@in_caller_tenant
def person_create(request: HttpRequest, body: PersonIn) -> Any:
    person = person_services.person_create(
        tenant=request.auth.tenant,  # type: ignore[attr-defined]
        actor=request.auth,  # type: ignore[attr-defined]
        **body.model_dump(),
    )
    return 201, _person_out(person)


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, **ERROR_RESPONSES},
    auth=scope("org:write"),
)
@in_caller_tenant
def person_update(request: HttpRequest, person_id: Id, body: PersonPatch) -> Any:
    person = _get(Person, person_id, "person")
    fields = body.model_dump(exclude_unset=True)
    person = person_services.person_update(person=person, actor=request.auth, **fields)  # type: ignore[attr-defined]
    return _person_out(person)


# --- assignments ------------------------------------------------------------------


class AssignmentOut(Schema):
    id: int
    person_id: int
    position_id: int
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    decree_number: str
    decree_date: dt.date | None


class AssignmentList(Schema):
    count: int
    items: list[AssignmentOut]


class AssignmentIn(Schema):
    person_id: Id
    position_id: Id
    kind: str
    start_date: dt.date
    end_date: dt.date | None = None
    decree_number: str = ""
    decree_date: dt.date | None = None


class AssignmentEndIn(Schema):
    end_date: dt.date


class AssignmentFilters(PageParams):
    person_id: Id | None = None
    position_id: Id | None = None
    on: dt.date | None = None


@router.get(
    "/assignments",
    response={200: AssignmentList, **ERROR_RESPONSES},
    auth=scope("org:read"),
)
@in_caller_tenant
def assignment_list(request: HttpRequest, filters: Query[AssignmentFilters]) -> Any:
    qs = Assignment.objects.all()
    if filters.person_id is not None:
        qs = qs.filter(person_id=filters.person_id)
    if filters.position_id is not None:
        qs = qs.filter(position_id=filters.position_id)
    if filters.on is not None:
        qs = qs.filter(selectors._active_on(filters.on))
    count, items = _page(qs.order_by("-start_date", "-pk"), filters)
    return {"count": count, "items": list(items)}


@router.get(
    "/assignments/{assignment_id}",
    response={200: AssignmentOut, **ERROR_RESPONSES},
    auth=scope("org:read"),
)
@in_caller_tenant
def assignment_detail(request: HttpRequest, assignment_id: Id) -> Any:
    return _get(Assignment, assignment_id, "assignment")


@router.post(
    "/assignments",
    response={201: AssignmentOut, **ERROR_RESPONSES},
    auth=scope("org:write"),
)
@in_caller_tenant
def assignment_create(request: HttpRequest, body: AssignmentIn) -> Any:
    data = body.model_dump()
    person = _ref(Person, data.pop("person_id"), "person")
    position = _ref(Position, data.pop("position_id"), "position")
    assert person is not None and position is not None
    assignment = assignment_services.assignment_create(
        tenant=request.auth.tenant,  # type: ignore[attr-defined]
        actor=request.auth,  # type: ignore[attr-defined]
        person=person,
        position=position,
        **data,
    )
    return 201, assignment


@router.post(
    "/assignments/{assignment_id}/end",
    response={200: AssignmentOut, **ERROR_RESPONSES},
    auth=scope("org:write"),
)
@in_caller_tenant
def assignment_end(
    request: HttpRequest, assignment_id: Id, body: AssignmentEndIn
) -> Any:
    assignment = _get(Assignment, assignment_id, "assignment")
    return assignment_services.assignment_end(
        assignment=assignment,
        actor=request.auth,  # type: ignore[attr-defined]
        end_date=body.end_date,
    )
