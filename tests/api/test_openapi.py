"""The OpenAPI document describes what the server returns.

Every schema name stands for one model (ninja files schemas by class name: two
classes with the same name silently document one shape for both), and every GET
operation's real response over a tenant full of demo data validates against the
schema documented for its status, as do the documented error responses.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from pydantic import BaseModel
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.isolation.conftest import _load, _values
from tests.isolation.routes import param_for, value_of
from warkat.core.converters import MAX_ID
from warkat.tenancy.scope import tenant_scope

CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: Actors whose views differ: the tenant admin (registry of every unit), the TU clerk
#: of the Setda, a head who receives dispositions and signs, a staf member.
ACTORS = ("admin.keerom", "tu.setda.keerom", "sekda.keerom", "staf.kominfo.keerom")


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The pydantic models in a type annotation (``list[X] | None`` → X)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
        return
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def api_models() -> Iterator[type[BaseModel]]:
    """Every model an API operation reads or answers with, nested ones included."""
    from warkat.api.urls import api

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                for model in op.models:
                    for field in model.model_fields.values():
                        yield from _models(field.annotation)
                for model in op.response_models.values():
                    yield from _models(model)


def test_every_schema_name_names_one_model() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in api_models():
        if model.__module__.startswith("warkat."):
            by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    clashes = {name: sorted(c) for name, c in by_name.items() if len(c) > 1}
    assert not clashes, f"give each a unique name: {clashes}"
    assert "ErrorOut" in by_name and len(by_name) > 50  # the walk found the models


def test_return_to_tu_documents_the_field_the_server_reads() -> None:
    from warkat.api.urls import api

    schema = api.get_openapi_schema()
    body = schema["paths"]["/api/v1/letters/{letter_id}/return-to-tu"]["post"]
    ref = body["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    shape = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(shape["properties"]) == {"reason"}


@pytest.fixture
def demo_tenant(db: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """Keerom with the demo organisation, accounts, letters and outgoing letters
    (as the isolation suite loads it); model label → Keerom's first object."""
    from warkat.tenancy.services import tenant_create

    keerom = tenant_create(region_code="91.11", actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        _load(keerom, demo_accounts=True)
    return _values(keerom)


def _query(op: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The required query parameters, filled so the operation finds something."""
    from warkat.drafting.models import NumberEntry

    with tenant_scope(values["tenancy.Tenant"]):
        entry = NumberEntry.objects.order_by("pk").first()
    known: dict[str, Any] = {
        "unit_id": entry.unit_id
        if entry
        else value_of(values, param_for("unit_id", ""), ""),
        "year": entry.year if entry else dt.date.today().year,
        "date_from": "2026-01-01",
        "date_to": "2026-12-31",
        "format": "pdf",
        "a": 1,
        "b": 1,
        # The attendance recap: a past month.
        "month": (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime(
            "%Y-%m"
        ),
    }
    query = {}
    for param in op.definition.raw.get("parameters", []):
        if param["in"] == "query" and param.get("required"):
            query[param["name"]] = known[param["name"]]
    return query


def _path_value(op: Any, name: str, values: dict[str, Any]) -> Any:
    if name == "code":  # a verification code: none is issued in the demo
        return "TIDAKADA"
    route = f"{op.tags[0]}:{op.definition.raw.get('operationId', '')}"
    return value_of(values, param_for(name, op.label, route_name=route), op.label)


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI application for schemathesis' calls. Like Django's test
    client, it keeps the database connection open after each request: the test's
    transaction (and its demo data) lives on it."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def test_every_get_response_matches_its_documented_schema(
    demo_tenant: dict[str, Any], wsgi_app: Any
) -> None:
    from warkat.accounts.models import User
    from warkat.accounts.services import api_token_create

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    ops = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().method.upper() == "GET"
    ]
    assert len(ops) > 30
    with tenant_scope(demo_tenant["tenancy.Tenant"]):
        users = [User.objects.get(username=name) for name in ACTORS]
    tokens = {u.username: api_token_create(user=u, name="contract")[1] for u in users}
    failures: list[str] = []
    statuses: dict[str, set[int]] = defaultdict(set)

    def check(op: Any, headers: dict[str, str], **parts: Any) -> None:
        # The bodies are read as they are; the compression has its own test.
        headers = {**headers, "Accept-Encoding": "identity"}
        case = op.Case(**parts)
        response = case.call(headers=headers)
        statuses[op.label].add(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as exc:
            failures.append(f"{op.label} {parts} → {response.status_code}: {exc}")

    for op in ops:
        path_params = {
            p["name"]: _path_value(op, p["name"], demo_tenant)
            for p in op.definition.raw.get("parameters", [])
            if p["in"] == "path"
        }
        query = _query(op, demo_tenant)
        for name in ACTORS:
            headers = {"Authorization": f"Bearer {tokens[name]}"}
            check(op, headers, path_parameters=path_params, query=query)
        # The documented errors: an id that names nothing, and no credentials.
        admin = {"Authorization": f"Bearer {tokens['admin.keerom']}"}
        if path_params and not op.path.startswith("/api/v1/verify/"):
            missing = {
                k: (MAX_ID if isinstance(v, int) else v) for k, v in path_params.items()
            }
            check(op, admin, path_parameters=missing, query=query)
        if not op.path.startswith("/api/v1/verify/"):
            check(op, {}, path_parameters=path_params, query=query)

    assert not failures, "\n\n".join(failures)
    served = [label for label, codes in statuses.items() if 200 in codes]
    # The data makes most operations answer 200, so their success shape is checked.
    assert len(served) >= len(ops) * 0.8, sorted(set(statuses) - set(served))
