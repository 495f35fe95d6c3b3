"""The check-in fast path: ``POST /api/v1/attendance/check-ins`` from a phone with a
bearer token, in two database round trips and without the rest of the middleware,
or from the check-in page signed in with a session (in front of Django only:
``fastwsgi``, with the checks of ``fastsession``), in three.

The morning peak is tens of thousands of the same request within half an hour. Its
ordinary path (the full middleware stack, the token resolved with the ORM, about
twenty queries, model instances, pydantic) cost about ten milliseconds of CPU per
check-in. ``checkin_fast`` answers the common case itself, called in production by
the WSGI entry point in front of Django (``fastwsgi``), and otherwise by this
middleware (placed after the security middleware, so request ids, metrics and
security headers stay; it does not try a request the front already declined):

1. one pipelined round trip: under the escape hatch ``all`` only the tenant of the
   token's hash is read and made the connection's tenant (row-level security);
   then one statement reads, under that tenant, the token, its user and person,
   the tenant's attendance settings and time zone, the person's previous record,
   whether today has a check-in, whether the ``client_key`` was seen, how many
   earlier days had exactly these coordinates, a night shift yesterday, and the
   places (work locations of the units of the positions held today and the
   person's own places) — every input of the rules, in one statement;
2. the rules of ``attendance.checkin`` decide in Python (nearest place, outside,
   inaccurate, too-perfect accuracy, impossible travel, repeated coordinates:
   the same functions), then one pipelined round trip inserts the record (``ON
   CONFLICT`` on the client key: a retry racing in records nothing twice), touches
   the token's ``last_used_at`` when due and restores the connection's tenant.

Nothing is deferred: the answer carries the record, its place and its flags.
A session's first round trip reads its row (the store's ``decode`` then names the
user); the second makes the user's tenant the connection's and reads the same
inputs for the user, with the password hash the session's hash is checked against.

Anything else — a session the WSGI front did not check (the middleware leaves
sessions to the full path), a machine or service account, an offline record, a
selfie, a ``device_at`` in another form than ISO 8601 with a zone, an unknown,
revoked or expired token, a narrowed token without the scope, bad or missing coordinates, a
replayed key, a double tap, a night shift, a selfie-requiring tenant — is left to
the ordinary path, which answers exactly as before: the fast path records nothing
in those cases (the first round trip only reads).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import select
import zoneinfo
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from typing import Any, Literal, cast

import psycopg
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.urls import resolve
from django.utils import timezone, translation
from psycopg import pq

from warkat.accounts.selectors import api_token_hash, token_tenant_sql, token_user_sql
from warkat.attendance.checkin import SAME_PLACE_M, place_flags
from warkat.attendance.fastsession import (
    SESSION_USER_SQL,
    USER_TENANT_SQL,
    session_hash_ok,
    session_user_id,
)
from warkat.attendance.fraud import accuracy_flag, flag, flag_text, travel_flag
from warkat.attendance.geo import Place, distance_m, nearest, valid_coordinates
from warkat.org.selectors import held_unit_ids_sql
from warkat.tenancy.scope import ALL_TENANTS, _db_value

PATH = "/api/v1/attendance/check-ins"
CONTENT_TYPE = "application/json; charset=utf-8"
#: Environ key set when the WSGI entry point tried (and declined) the fast path.
TRIED = "warkat.checkin_fast_tried"
SCOPE = "attendance:write"
#: Body fields the fast path understands (with values it takes, see ``_parse``).
FIELDS = frozenset({"latitude", "longitude", "accuracy_m", "source", "client_key",
                    "direction", "device_at", "person_id", "nip", "selfie"})  # fmt: skip
_SIX = Decimal("0.000001")
_ENCODER = DjangoJSONEncoder()
_TOUCH_EVERY = dt.timedelta(minutes=5)

_SET = "SELECT set_config('warkat.tenant_id', $1, false)"
_SET_TOKEN_TENANT = (
    "SELECT set_config('warkat.tenant_id', coalesce(("
    + token_tenant_sql("$1")
    + "), ''), false)"
)


def _read_sql(caller: str) -> str:
    """Every input of the rules for the caller's row ``caller`` (a token's or a
    session user's, ``tok``), under its tenant: $2 now, $3 client key, $4 latitude,
    $5 longitude."""
    return f"""
WITH tok AS ({caller})
SELECT tok.*,
  (SELECT json_build_array(s.duplicate_window_s, s.max_speed_kmh,
          s.suspicious_accuracy_m, s.repeat_days, s.selfie_required)
     FROM attendance_attendancesettings s) AS settings,
  (SELECT json_build_array(c.id, c.at, c.source, c.direction, c.latitude,
          c.longitude, c.accuracy_m)
     FROM attendance_checkin c
    WHERE c.person_id = tok.person_id AND c.review <> 'rejected'
    ORDER BY c.at DESC, c.id DESC LIMIT 1) AS previous,
  EXISTS (SELECT 1 FROM attendance_checkin c WHERE c.person_id = tok.person_id
          AND c.day = tok.day AND c.direction = 'in'
          AND c.review <> 'rejected') AS has_in,
  EXISTS (SELECT 1 FROM attendance_checkin c WHERE c.person_id = tok.person_id
          AND c.client_key = $3 AND c.client_key <> '') AS replayed,
  (SELECT count(DISTINCT c.day) FROM attendance_checkin c
    WHERE c.person_id = tok.person_id AND c.latitude = $4
      AND c.longitude = $5 AND c.day < tok.day) AS repeated,
  EXISTS (SELECT 1 FROM attendance_rosterentry r
          JOIN attendance_shift sh ON sh.id = r.shift_id
          WHERE r.person_id = tok.person_id AND r.day = tok.day - 1
            AND sh."end" <= sh.start) AS night_shift,
  (SELECT json_agg(json_build_array(w.id, w.name, w.latitude, w.longitude,
          w.radius_m) ORDER BY w.id)
     FROM attendance_worklocation w
    WHERE w.is_active AND (
          w.unit_id IN ({held_unit_ids_sql("tok.person_id", "tok.day")})
          OR w.id IN (SELECT pp.location_id FROM attendance_personplace pp
                      WHERE pp.person_id = tok.person_id))) AS places
FROM tok
"""


_INSERT = """
INSERT INTO attendance_checkin (tenant_id, person_id, direction, at, day,
    recorded_at, device_at, latitude, longitude, accuracy_m, source, location_id,
    distance_m, flags, review, reviewed_by_id, reviewed_at, review_reason,
    client_key, request_id)
VALUES ($1, $2, $3, $4::timestamptz, $5::date, $4::timestamptz, $14::timestamptz,
    $6, $7, $8, 'web', $9, $10, $11::jsonb, $12, NULL, NULL, '', $13, NULL)
ON CONFLICT (tenant_id, person_id, client_key) WHERE client_key <> '' DO NOTHING
RETURNING id
"""
_TOUCH = "UPDATE accounts_apitoken SET last_used_at = $1 WHERE id = $2"
#: Prepared once per connection under these names (one round trip each request).
_STATEMENTS = {
    b"warkat_fast_set": _SET,
    b"warkat_fast_token": _SET_TOKEN_TENANT,
    b"warkat_fast_read": _read_sql(token_user_sql("$1", "$2")),
    b"warkat_fast_user_tenant": USER_TENANT_SQL,
    b"warkat_fast_read_session": _read_sql(SESSION_USER_SQL),
    b"warkat_fast_insert": _INSERT,
    b"warkat_fast_touch": _TOUCH,
}
#: Column order of the settings array, with the national defaults when unset.
_SETTINGS = ("duplicate_window_s", "max_speed_kmh", "suspicious_accuracy_m",
             "repeat_days", "selfie_required")  # fmt: skip
_DEFAULTS = (120, 150, 2.0, 3, False)


class CheckInFastMiddleware:
    """Answers the common phone check-in itself (see the module docstring); every
    other request, and every uncommon check-in, goes on down the stack. Behind the
    production WSGI entry point (``fastwsgi``) the check-in is answered before
    Django and reaches this middleware only when that declined it (marked in the
    environ: it is not tried twice)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = settings.IS_POSTGRES
        self._match: Any = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            self.enabled
            and request.method == "POST"
            and request.path_info == PATH
            and request.META.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "
            and TRIED not in request.META
        ):
            body = checkin_fast(
                authorization=request.META["HTTP_AUTHORIZATION"],
                content_type=request.META.get("CONTENT_TYPE", ""),
                body=request.body,
                language=lambda: translation.get_language_from_request(request),
            )
            if body is not None:
                if self._match is None:
                    self._match = resolve(PATH)
                request.resolver_match = self._match  # the metrics' route label
                return answer(body)
        return self.get_response(request)


def answer(body: bytes) -> HttpResponse:
    """The 201 of a fast check-in (``fastwsgi`` sends the same headers)."""
    response = HttpResponse(body, status=201, content_type=CONTENT_TYPE)
    response["X-Frame-Options"] = "DENY"
    response["Content-Length"] = str(len(body))
    return response


def _number(value: Any) -> float | None:
    """A JSON number as pydantic's float takes it (no strings, no booleans)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _parse(content_type: str, body: bytes) -> dict[str, Any] | None:
    """The body of a plain phone check-in, or None for anything else."""
    if not content_type.startswith("application/json"):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not FIELDS.issuperset(data):
        return None
    if data.get("source", "web") != "web":
        return None
    device_at = _device_time(data.get("device_at"))
    if device_at is False:
        return None
    if data.get("person_id") is not None or data.get("nip", "") != "":
        return None
    if data.get("selfie", "") != "":
        return None
    lat, lon = _number(data.get("latitude")), _number(data.get("longitude"))
    accuracy = data.get("accuracy_m")
    if accuracy is not None:
        accuracy = _number(accuracy)
        if accuracy is None:
            return None
    key, direction = data.get("client_key", ""), data.get("direction")
    if not isinstance(key, str) or direction not in (None, "", "in", "out"):
        return None
    if lat is None or lon is None or not valid_coordinates(lat, lon, accuracy):
        return None
    return {
        "lat": Decimal(str(lat)).quantize(_SIX, ROUND_HALF_UP),
        "lon": Decimal(str(lon)).quantize(_SIX, ROUND_HALF_UP),
        "accuracy": accuracy,
        "key": key.strip()[:64],
        "direction": direction or None,
        "device_at": device_at,
    }


#: The phone's time as the page sends it (``Date.toISOString()``) or with an offset:
#: the forms on which ``datetime.fromisoformat`` and pydantic agree to the microsecond.
_DEVICE_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)")


def _device_time(value: Any) -> dt.datetime | Literal[False] | None:
    """The phone's time of a tap (stored with the record, not used for its time),
    None when absent, False for a form the fast path leaves to the full path."""
    if value is None:
        return None
    if not isinstance(value, str) or not _DEVICE_AT.fullmatch(value):
        return False
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return False


def checkin_fast(
    *,
    authorization: str = "",
    session_key: str = "",
    content_type: str,
    body: bytes,
    language: Callable[[], str],
    db: BaseDatabaseWrapper | None = None,
) -> bytes | None:
    """The body of the 201 answer to a check-in recorded here, or None to leave the
    request to the full path (nothing recorded). The caller is ``authorization``
    (the ``Bearer …`` header) or, for a browser, ``session_key`` (its session
    cookie, once the request passed the CSRF check: ``fastsession``); ``language``
    gives the request's language (only called for the reasons of a flagged
    record); ``db`` is this thread's connection when the caller has it at hand."""
    data = _parse(content_type, body)
    if data is None:
        return None
    caller: tuple[str | None, str]
    if session_key:
        caller = (None, session_key)
    else:
        raw = authorization[7:].strip()
        if not raw or len(raw) > 200:
            return None
        caller = (api_token_hash(raw), "")
    now = timezone.now()
    previous_tenant = _db_value()
    if db is None:
        db = connections[DEFAULT_DB_ALIAS]  # this thread's (one lookup, not four)
    try:
        if db.connection is None:
            db.ensure_connection()
        pg = db.connection
        facts = _read(pg, caller, now, data)
    except (psycopg.OperationalError, DatabaseError):
        # A kept connection that died (the database restarted): nothing was written;
        # drop it, and the full path connects again (with its health check).
        db.close()
        return None
    with db.wrap_database_errors:
        try:
            record = _decide(facts, data, now) if facts else None
            back = [b"warkat_fast_set", [previous_tenant.encode()]]
            if record is None:
                _pipeline(pg, [back])
                return None
            assert facts is not None
            calls: list[Any] = [[b"warkat_fast_insert", _params(record)]]
            if facts["token_id"] is not None and (
                facts["last_used_at"] is None
                or now - facts["last_used_at"] > _TOUCH_EVERY
            ):
                touch = [_text(now), str(facts["token_id"]).encode()]
                calls.append([b"warkat_fast_touch", touch])
            inserted = _pipeline(pg, [*calls, back])[0]
        except BaseException:
            _restore(previous_tenant)
            raise
    if not inserted.ntuples:  # the same key raced in: the full path answers with it
        return None
    return _response(record, int(inserted.get_value(0, 0)), language)


#: The columns of the read, in order, and how each is read from its text.
_COLUMNS: tuple[tuple[str, Callable[[bytes], Any]], ...] = (
    ("token_id", int), ("tenant_id", int),
    ("expires_at", lambda v: dt.datetime.fromisoformat(v.decode())),
    ("revoked_at", lambda v: dt.datetime.fromisoformat(v.decode())),
    ("scopes", json.loads),
    ("last_used_at", lambda v: dt.datetime.fromisoformat(v.decode())),
    ("user_id", int), ("is_active", lambda v: v == b"t"), ("user_tenant", int),
    ("person_id", int), ("machine", lambda v: v == b"t"),
    ("time_zone", bytes.decode),
    ("day", lambda v: dt.date.fromisoformat(v.decode())),
    ("settings", json.loads), ("previous", json.loads),
    ("has_in", lambda v: v == b"t"), ("replayed", lambda v: v == b"t"),
    ("repeated", int), ("night_shift", lambda v: v == b"t"), ("places", json.loads),
)  # fmt: skip


#: The session read's extra columns (the user's password hash, for the session's
#: hash, and the session's signed data).
_SESSION_COLUMNS = (*_COLUMNS[:13], ("password", bytes.decode),
                    ("session_data", bytes.decode), *_COLUMNS[13:])  # fmt: skip


def _read(
    pg: Any, caller: tuple[str | None, str], now: dt.datetime, data: dict[str, Any]
) -> dict[str, Any] | None:
    """The first round trip of a token or a session: its tenant made the
    connection's, then every input of the rules (for a session, with its signed
    data, which must name the same user); None for an unknown token or session
    (the connection's tenant is the caller's to give back)."""
    token_hash, session_key = caller
    tail = [_text(now), data["key"].encode(), str(data["lat"]).encode(),
            str(data["lon"]).encode()]  # fmt: skip
    columns = _COLUMNS
    try:
        if token_hash is not None:
            hashed = token_hash.encode()
            calls = [[b"warkat_fast_set", [ALL_TENANTS.encode()]],
                     [b"warkat_fast_token", [hashed]],
                     [b"warkat_fast_read", [hashed, *tail]]]  # fmt: skip
        else:
            key = session_key.encode()
            columns = _SESSION_COLUMNS
            calls = [[b"warkat_fast_set", [ALL_TENANTS.encode()]],
                     [b"warkat_fast_user_tenant", [key, tail[0]]],
                     [b"warkat_fast_read_session", [key, *tail]]]  # fmt: skip
        result = _pipeline(pg, calls)[2]
    except BaseException:
        _restore(_db_value())
        raise
    if not result.ntuples:
        return None
    assert result.nfields == len(columns), "the read's columns changed"
    facts: dict[str, Any] = {"session": None}
    for i, (name, load) in enumerate(columns):
        value = result.get_value(0, i)
        facts[name] = None if value is None else load(value)
    if session_key:
        found = session_user_id(facts.pop("session_data") or "")
        if found is None or found[0] != facts["user_id"]:
            return None
        facts["session"] = found[1]
    return facts


def _text(value: Any) -> bytes | None:
    """A parameter in PostgreSQL's text format."""
    if value is None or value.__class__ is bytes:
        return value  # type: ignore[no-any-return]
    if isinstance(value, dt.date):
        return value.isoformat().encode()
    return str(value).encode()


def _pipeline(pg: Any, calls: list[Any]) -> list[Any]:
    """Run prepared statements (name, parameters in text format) in one round trip, on libpq
    directly (psycopg's cursors cost more CPU than the whole rest of a check-in);
    their results, in order. A failed statement raises its error."""
    conn = pg.pgconn
    if not getattr(pg, "_warkat_fast_prepared", False):
        for name, sql in _STATEMENTS.items():
            done = conn.prepare(name, sql.encode())
            if done.status != pq.ExecStatus.COMMAND_OK:
                raise psycopg.errors.error_from_result(done, encoding=pg.info.encoding)
        pg._warkat_fast_prepared = True
    conn.enter_pipeline_mode()
    results: list[Any] = []
    error = None
    try:
        for name, params in calls:
            conn.send_query_prepared(name, params)
        conn.pipeline_sync()
        while conn.flush():
            select.select([conn.socket], [conn.socket], [])
            conn.consume_input()
        while True:
            while conn.is_busy():
                select.select([conn.socket], [], [])
                conn.consume_input()
            res = conn.get_result()
            if res is None:
                continue
            if res.status == pq.ExecStatus.PIPELINE_SYNC:
                break
            if error is None and res.status == pq.ExecStatus.FATAL_ERROR:
                error = res
            results.append(res)
    finally:
        conn.exit_pipeline_mode()
    if error is not None:
        raise psycopg.errors.error_from_result(error, encoding=pg.info.encoding)
    return results


#: The insert's parameters, in order.
_INSERT_PARAMS = ("tenant", "person", "direction", "at", "day", "lat", "lon",
                  "accuracy", "location", "distance", "flags", "review", "key",
                  "device_at")  # fmt: skip


def _params(record: dict[str, Any]) -> list[bytes | None]:
    return [_text(record[k]) for k in _INSERT_PARAMS]


def _restore(previous: str) -> None:
    """Give the connection back its tenant after a failure (or drop it)."""
    try:
        with connection.connection.cursor() as cur:
            cur.execute("SELECT set_config('warkat.tenant_id', %s, false)", [previous])
    except Exception:
        connection.close()


def _decide(
    facts: dict[str, Any], data: dict[str, Any], now: dt.datetime
) -> dict[str, Any] | None:
    """The record to insert, or None when the full path must answer."""
    scopes = facts["scopes"]
    if facts["session"] is not None:
        if not session_hash_ok(facts["session"], facts["password"]):
            return None
    elif facts["revoked_at"] is not None or facts["expires_at"] <= now:
        return None
    if (
        not facts["is_active"]
        or facts["user_tenant"] != facts["tenant_id"]
        or facts["machine"]
        or facts["person_id"] is None
        or (scopes is not None and SCOPE not in scopes)
        or facts["replayed"]
        or facts["night_shift"]
    ):
        return None
    rules = dict(zip(_SETTINGS, facts["settings"] or _DEFAULTS, strict=True))
    if rules["selfie_required"]:
        return None
    zone = zoneinfo.ZoneInfo(facts["time_zone"])
    if now.astimezone(zone).date() != facts["day"]:
        return None
    lat, lon, accuracy = data["lat"], data["lon"], data["accuracy"]
    previous = _previous(facts["previous"])
    if _double_tap(previous, now, lat, lon, data["direction"], rules):
        return None
    direction = data["direction"] or ("out" if facts["has_in"] else "in")
    places = [
        Place(int(i), n, float(a), float(o), int(r))
        for i, n, a, o, r in facts["places"] or ()
    ]
    place, distance = nearest(float(lat), float(lon), places)
    flags = place_flags(place, distance, accuracy)
    settings_ns = SimpleNamespace(
        suspicious_accuracy_m=rules["suspicious_accuracy_m"],
        max_speed_kmh=rules["max_speed_kmh"],
    )
    # The rules read attributes only: plain namespaces stand for the model rows.
    rules_ns = cast(Any, settings_ns)
    for found in (
        accuracy_flag(accuracy, rules_ns),
        travel_flag(
            previous=cast(Any, previous),
            lat=float(lat),
            lon=float(lon),
            accuracy=accuracy,
            at=now,
            settings=rules_ns,
        ),
    ):
        if found:
            flags.append(found)
    if rules["repeat_days"] and facts["repeated"] >= rules["repeat_days"]:
        flags.append(flag("repeated", days=facts["repeated"]))
    return {
        "tenant": facts["tenant_id"], "person": facts["person_id"],
        "direction": direction, "at": now, "day": facts["day"], "lat": lat, "lon": lon,
        "accuracy": accuracy, "location": place.id if place else None,
        "distance": round(distance) if distance is not None else None,
        "flags": json.dumps(flags) if flags else "[]", "review": "pending" if flags else "",
        "key": data["key"], "device_at": data["device_at"], "_flags": flags,
        "_place": place.name if place else None,
    }  # fmt: skip


def _previous(value: list[Any] | None) -> SimpleNamespace | None:
    if not value:
        return None
    pk, at, source, direction, lat, lon, accuracy = value
    return SimpleNamespace(
        pk=pk, at=dt.datetime.fromisoformat(at), source=source, direction=direction,
        latitude=lat, longitude=lon, accuracy_m=accuracy,
    )  # fmt: skip


def _double_tap(previous: SimpleNamespace | None, at: dt.datetime, lat: Decimal,
                lon: Decimal, direction: str | None, rules: dict[str, Any]) -> bool:  # fmt: skip
    """``checkin._same_tap`` for a web tap (the full path answers a double tap)."""
    if previous is None or previous.source != "web":
        return False
    if abs(previous.at - at) > dt.timedelta(seconds=rules["duplicate_window_s"]):
        return False
    if direction is not None and previous.direction != direction:
        return False
    if previous.latitude is None or previous.longitude is None:
        return False
    apart = distance_m(float(previous.latitude), float(previous.longitude),
                       float(lat), float(lon))  # fmt: skip
    return apart <= SAME_PLACE_M


def _response(record: dict[str, Any], pk: int, language: Callable[[], str]) -> bytes:
    """The body ``api.checkin_out`` gives (same fields, same encoding)."""
    flags = record["_flags"]
    if flags:
        with translation.override(language()):
            out_flags = [{"code": f["code"], "reason": flag_text(f)} for f in flags]
    else:
        out_flags = []
    at = _ENCODER.default(record["at"])  # as the API's JSON renderer writes it
    device_at = record["device_at"] and _ENCODER.default(record["device_at"])
    body = {
        "id": pk, "person_id": record["person"], "direction": record["direction"],
        "at": at, "day": record["day"].isoformat(), "recorded_at": at,
        "device_at": device_at, "latitude": float(record["lat"]),
        "longitude": float(record["lon"]), "accuracy_m": record["accuracy"],
        "source": "web", "location": record["_place"],
        "distance_m": record["distance"], "review": record["review"],
        "flags": out_flags, "created": True,
    }  # fmt: skip
    return json.dumps(body).encode()
