"""Enumerating every route of the project and filling its parameters with a tenant's
objects, for the tenant-isolation suite.

HTML routes come from the URL resolver and API operations from the OpenAPI schema, so
routes added later are covered without editing the suite. A path or body parameter
whose name is not in ``PARAMS`` fails the suite with a message saying where to add it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern


@dataclass(frozen=True)
class Param:
    """How to fill a parameter: the model whose object it names and the attribute.

    ``global_key``: the value names one object in the whole installation (a primary
    key, a verification code), so another tenant's value must give 403/404. Keys that
    are only unique inside a tenant (an audit sequence number) may resolve to the
    caller's own object; for those only the response content is checked.
    """

    model: str = ""
    attr: str = "pk"
    global_key: bool = True
    # A fixed value for parameters that name no object (an import kind, a format).
    literal: str | None = None
    # False when the test data has no such object yet (deliveries need a signed
    # letter): an id that exists nowhere is used, which still must not give a 500.
    data_required: bool = True

    @property
    def names_object(self) -> bool:
        return self.literal is None


PARAMS: dict[str, Param] = {
    "tenant_id": Param("tenancy.Tenant"),
    "unit_id": Param("org.Unit"),
    "parent_id": Param("org.Unit"),
    "position_id": Param("org.Position"),
    "superior_id": Param("org.Position"),
    "to_position_id": Param("org.Position"),
    "addressed_position_id": Param("org.Position"),
    "person_id": Param("org.Person"),
    "assignment_id": Param("org.Assignment"),
    "user_id": Param("accounts.User"),
    "token_id": Param("accounts.ApiToken"),
    "seq": Param("audit.AuditEvent", "seq", global_key=False),
    "letter_id": Param("letters.Letter"),
    "reply_letter_id": Param("letters.Letter"),
    "file_id": Param("letters.LetterFile"),
    "disposition_id": Param("dispositions.Disposition"),
    "parent_disposition_id": Param("dispositions.Disposition"),
    "follow_up_id": Param("dispositions.FollowUp"),
    "text_id": Param("ocr.FileText"),
    "entry_id": Param("drafting.NumberEntry"),
    "instruction_id": Param("dispositions.Instruction"),
    "holiday_id": Param("dispositions.TenantHoliday"),
    "notification_id": Param("notify.Notification"),
    "classification_id": Param("archive.ClassificationCode", global_key=False),
    "target_id": Param("dashboard.DataRequestTarget", data_required=False),
    "dataset_id": Param("dashboard.Dataset", data_required=False),
    "checkin_id": Param("attendance.CheckIn"),
    "request_id": Param("attendance.AttendanceRequest"),
    "location_id": Param("attendance.WorkLocation"),
    "document_id": Param("attendance.RequestDocument"),
    "batch_id": Param("archive.DisposalBatch"),
    "hold_id": Param("archive.LegalHold"),
    "client_pk": Param("sso.Client"),
    "account_id": Param("accounts.ServiceAccount"),
    "endpoint_id": Param("webhooks.Endpoint"),
    "delivery_id": Param("webhooks.Delivery"),
    "item_id": Param("intake.InboundItem", data_required=False),
}

#: Parameters whose meaning depends on the app: (URL namespace, name) → Param.
APP_PARAMS: dict[tuple[str, str], Param] = {
    ("org", "kind"): Param(literal="people"),
    ("org", "fmt"): Param(literal="csv"),
    ("dispositions", "action"): Param(literal="cancel"),
    ("letters", "fmt"): Param(literal="pdf"),
    ("letters", "number"): Param(literal="1"),  # a page of a letter's PDF
    ("dispositions", "file_id"): Param("dispositions.FollowUpFile"),
    ("signing", "cert_id"): Param("signing.SignerCertificate"),
    ("signing", "action"): Param(literal="revoke"),
    ("drafting", "type_id"): Param("drafting.NaskahType"),
    ("drafting", "action"): Param(literal="submit"),
    ("attendance", "action"): Param(literal="approve"),
    ("intake", "file_id"): Param("intake.InboundFile", data_required=False),
    ("attendance", "record_id"): Param("attendance.CheckIn", data_required=False),
    ("drafting", "delivery_id"): Param("drafting.Delivery", data_required=False),
    ("archive", "action"): Param(literal="agree"),
    ("drafting", "batch_id"): Param("drafting.SigningBatch", data_required=False),
}

#: Route prefixes that never show tenant data: static files and allauth's flows
#: keyed by e-mail tokens (they take secrets, not object ids).
SKIP_PREFIXES = ("static/", "media/")
SKIP_NAMES = frozenset(
    {"account_confirm_email", "account_reset_password_from_key", "set_language"}
)
#: Public by design, for anyone holding the code or the tenant's name: the QR
#: verification page, each tenant's CA certificates, CRL, OCSP and timestamp
#: service, and each tenant's open data portal (published datasets only). Their
#: own tests cover what they may show.
#: SSO userinfo answers an app's bearer token, never a session (401 without one);
#: warkat/sso/tests cover its tenant rules (another tenant's client, user, token).
PUBLIC_PREFIXES = (
    "signing:verify",
    "signing:pki-",
    "dashboard:portal",
    "oauth2_provider:user-info",
)
PUBLIC_API_PREFIXES = ("/api/v1/verify/",)


class UnknownParameter(Exception):
    pass


class MissingData(Exception):
    pass


def value_of(values: dict[str, Any], param: Param, where: str) -> Any:
    """The value of ``param`` for a tenant (``values``: model label → the tenant's
    first object of it); loud when the tenant's test data has no such object (the
    route would otherwise go untested)."""
    if param.literal is not None:
        return param.literal
    obj = values.get(param.model)
    if obj is None and not param.data_required:
        return 10**9
    if obj is None:
        raise MissingData(
            f"{where} needs a {param.model}, but the isolation data has none: "
            f"extend the demo loader (or tests/isolation/conftest.py)"
        )
    return getattr(obj, param.attr)


def param_for(name: str, where: str, *, route_name: str = "") -> Param:
    """How to fill parameter ``name`` of the route called ``route_name``
    ("namespace:name"). ``pk`` names the model the route is named after
    ("org:unit_edit" → org.Unit)."""
    namespace, _, short = route_name.rpartition(":")
    if (namespace, name) in APP_PARAMS:
        return APP_PARAMS[(namespace, name)]
    if name == "pk" and namespace in {c.label for c in apps.get_app_configs()}:
        entity = short.split("_")[0]
        for model in apps.get_app_config(namespace).get_models():
            if model._meta.model_name == entity:
                return Param(model._meta.label)
    if name in PARAMS:
        return PARAMS[name]
    # "signer_position_id" names a position like "position_id" does.
    for known in sorted(PARAMS, key=len, reverse=True):
        if name.endswith("_" + known) and known.endswith("_id"):
            return PARAMS[known]
    raise UnknownParameter(
        f"{where} has the parameter {name!r}, which the isolation suite does not know "
        f"how to fill: add it to PARAMS or APP_PARAMS in tests/isolation/routes.py"
    )


@dataclass(frozen=True)
class HtmlRoute:
    name: str  # "namespace:name"
    route: str  # "akun/pengguna/<int:user_id>/"
    params: dict[str, Param]

    def path(self, values: dict[str, Any]) -> str:
        """The route with each parameter filled from ``values`` (see value_of)."""

        def sub(match: re.Match[str]) -> str:
            name = match.group("name")
            return str(value_of(values, self.params[name], f"URL {self.route}"))

        return "/" + _ROUTE_PARAM.sub(sub, self.route)

    @property
    def names_objects(self) -> bool:
        return any(p.names_object for p in self.params.values())

    @property
    def global_keys(self) -> bool:
        """Every object parameter is unique installation-wide (see Param)."""
        return all(p.global_key for p in self.params.values() if p.names_object)


_ROUTE_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(
    patterns: list[Any], prefix: str, namespace: str
) -> Iterator[tuple[str, str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(
                pattern.url_patterns,
                prefix + _route_text(pattern.pattern),
                pattern.namespace or namespace,
            )
        elif isinstance(pattern, URLPattern):
            yield prefix + _route_text(pattern.pattern), namespace, pattern


def _route_text(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern._route)
    if isinstance(pattern, RegexPattern):
        # Regex routes are turned into the <name> form; anchors dropped.
        text = str(pattern._regex).lstrip("^").rstrip("$")
        return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
    raise TypeError(f"unknown URL pattern type {type(pattern)!r}")


def html_routes() -> list[HtmlRoute]:
    """Every route of the URL resolver except the API (covered by its schema)."""
    routes = []
    for route, namespace, pattern in _walk(get_resolver().url_patterns, "", ""):
        if route.startswith("api/") or route.startswith(SKIP_PREFIXES):
            continue
        if pattern.name in SKIP_NAMES:
            continue
        name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or route)
        if name.startswith(PUBLIC_PREFIXES):
            continue
        params = {
            m.group("name"): param_for(
                m.group("name"), f"URL {route!r} ({name})", route_name=name
            )
            for m in _ROUTE_PARAM.finditer(route)
        }
        routes.append(HtmlRoute(name, route, params))
    return routes


@dataclass(frozen=True)
class ApiOperation:
    method: str
    path: str  # "/api/v1/units/{unit_id}"
    path_params: dict[str, Param]
    query_params: tuple[tuple[str, dict[str, Any]], ...]
    body_schema: dict[str, Any] | None
    operation_id: str

    def url(self, values: dict[str, Any]) -> str:
        def sub(match: re.Match[str]) -> str:
            param = self.path_params[match.group(1)]
            return str(value_of(values, param, f"API {self.method} {self.path}"))

        return re.sub(r"\{(\w+)\}", sub, self.path)

    @property
    def global_keys(self) -> bool:
        return bool(self.path_params) and all(
            p.global_key for p in self.path_params.values() if p.names_object
        )


def api_operations(schema: dict[str, Any]) -> list[ApiOperation]:
    ops = []
    for path, methods in schema["paths"].items():
        if path.startswith(PUBLIC_API_PREFIXES):
            continue
        for method, op in methods.items():
            params = op.get("parameters", [])
            # The first tag is the app's router ("dispositions"), like a namespace.
            route_name = f"{(op.get('tags') or [''])[0]}:{op.get('operationId', '')}"
            path_params = {
                p["name"]: param_for(
                    p["name"], f"API {method.upper()} {path}", route_name=route_name
                )
                for p in params
                if p["in"] == "path"
            }
            query = tuple(
                (p["name"], p.get("schema", {})) for p in params if p["in"] == "query"
            )
            body = (
                (op.get("requestBody") or {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            ops.append(
                ApiOperation(
                    method=method.upper(),
                    path=path,
                    path_params=path_params,
                    query_params=query,
                    body_schema=body,
                    operation_id=op.get("operationId", f"{method} {path}"),
                )
            )
    return ops


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    if "anyOf" in node:
        # Optional fields are "anyOf: [T, null]": fill the non-null branch.
        branches = [b for b in node["anyOf"] if b.get("type") != "null"]
        return _resolve(schema, branches[0]) if branches else {"type": "null"}
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(schema, node["allOf"][0])
    return node


def example_body(
    schema: dict[str, Any],
    node: dict[str, Any],
    ids: dict[str, Any],
    where: str,
) -> tuple[Any, bool]:
    """A schema-valid body whose id fields name the objects in ``ids``.

    Returns the body and whether it refers to any of those objects. Every property
    (required or not) that is an id is filled, so that a reference to another
    tenant's object anywhere in the body is exercised.
    """
    node = _resolve(schema, node)
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        body: dict[str, Any] = {}
        refers = False
        required = set(node.get("required", []))
        for name, prop in node.get("properties", {}).items():
            prop_node = _resolve(schema, prop)
            id_like = name.endswith("_id") or name.endswith("_ids")
            if id_like:
                key = name[:-1] if name.endswith("_ids") else name
                param = param_for(key, f"{where} body field {name!r}")
                value = value_of(ids, param, where)
                body[name] = [value] if name.endswith("_ids") else value
                refers = True
            elif name in required:
                body[name], inner = example_body(schema, prop_node, ids, where)
                refers = refers or inner
        return body, refers
    if "enum" in node:
        return node["enum"][0], False
    if kind == "string":
        fmt = node.get("format")
        if fmt == "date":
            return "2026-03-02", False
        if fmt == "date-time":
            return "2026-03-02T09:00:00+09:00", False
        return "isolasi", False
    if kind == "integer":
        return 1, False
    if kind == "number":
        return 1.0, False
    if kind == "boolean":
        return False, False
    if kind == "array":
        return [], False
    return None, False
