"""A Pemda morning for Locust, against the hosts of ``bench.morning`` (round robin).

Rates are per second for the whole tenant, at ``WARKAT_LOAD_FACTOR`` (default 2)
times the morning peak of a 5,000-person tenant. The peak, per second: everyone
signs in and checks in within about half an hour (5,000 / 1,800 s ≈ 2.8 each),
looks at the inbox about three times an hour (≈ 4.2), opens about two letters an
hour (≈ 2.8); the secretariats register about 300 letters a morning (≈ 0.1), the
pimpinan dispose about 600 (≈ 0.2) and sign about 100 (≈ 0.03).

Each simulated user is one kind of person and paces itself with
``constant_throughput``; ``bench.morning`` starts as many users of each kind as the
rates need. Signing is limited by the authenticator: each signer's code is
single-use, so each signer signs at most once per 30-second window.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from locust import HttpUser, constant_throughput, task

_SEED_FILE = Path(os.environ.get("WARKAT_LOAD_SEED", "/dev/null"))
SEED: dict[str, Any] = json.loads(_SEED_FILE.read_text() or "{}")
HOSTS = [h for h in os.environ.get("WARKAT_LOAD_HOSTS", "").split(",") if h]
FACTOR = float(os.environ.get("WARKAT_LOAD_FACTOR", "2"))
LOGIN = "/akun/login/"
MFA = "/akun/2fa/authenticate/"

#: Requests per second of each kind at the peak (see the module docstring).
PEAK = {
    "sign_in": 2.8,
    "check_in": 2.8,
    "inbox": 4.2,
    "read": 2.8,
    "register": 0.1,
    "dispose": 0.2,
    "sign": 0.03,
}
#: HTTP requests per action (a sign-in is the form, the post and the home page;
#: heads of units also send their authenticator's code: see below).
REQUESTS = {"sign_in": 3.0}
#: Requests per second one simulated user makes.
PER_USER = 0.5
#: The generated staff (``bench.cluster_people``): username, token, office.
PEOPLE: list[dict[str, Any]] = SEED.get("people") or [
    {"username": SEED["users"][k], "token": SEED["tokens"][k],
     "lat": -2.93456, "lon": 140.78701}
    for k in ("staf_a", "staf_b", "tu", "outsider")
    if SEED.get("users")
]  # fmt: skip
PEOPLE_TOKENS = [p["token"] for p in PEOPLE]
REQUESTS["sign_in"] += sum(bool(p.get("totp")) for p in PEOPLE) / max(1, len(PEOPLE))
random.Random(0).shuffle(PEOPLE)
_people = itertools.cycle(PEOPLE) if PEOPLE else None

_turn = itertools.count()
_letters: list[int] = []
_undisposed: list[int] = []
_instructions: list[str] = []
_lock = threading.Lock()


def _next_person() -> dict[str, Any]:
    """Each person in turn: sign-ins and check-ins spread over every account."""
    with _lock:
        assert _people is not None, "no people in the seed"
        return next(_people)


def target_rate() -> float:
    """HTTP requests per second the scenario aims at (Locust counts requests)."""
    return sum(r * FACTOR * REQUESTS.get(k, 1) for k, r in PEAK.items())


def users_needed(kind: str) -> int:
    return max(1, round(PEAK[kind] * FACTOR / PER_USER))


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code (30 s, 6 digits, SHA-1) of a base32 ``secret``."""
    key = base64.b32decode(secret)
    counter = struct.pack(">Q", int(time.time() if at is None else at) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def _host() -> str:
    return HOSTS[next(_turn) % len(HOSTS)]


def _pdf() -> bytes:
    from warkat.letters.samples import sample_pdf  # plain bytes, no Django needed

    return sample_pdf(["Undangan rapat koordinasi", time.strftime("%H:%M:%S")])


class Base(HttpUser):
    abstract = True
    host = HOSTS[0] if HOSTS else "http://127.0.0.1"
    wait_time = constant_throughput(PER_USER)
    who = "staf_a"

    def api(self, method: str, path: str, name: str, *, token: str = "",
            expect: tuple[int, ...] = (200,),
            check: Callable[[Any], str] | None = None, **kwargs: Any) -> Any:  # fmt: skip
        """Call the API as ``self.who`` (or with ``token``) and return the JSON body,
        or None after counting a failure: a status other than ``expect``, a body
        that is not JSON, or what ``check`` says is wrong with the body."""
        headers = {"Authorization": f"Bearer {token or SEED['tokens'][self.who]}"}
        with self.client.request(
            method, _host() + "/api/v1" + path, name=name, headers=headers,
            catch_response=True, allow_redirects=False, **kwargs,
        ) as response:  # fmt: skip
            if response.status_code not in expect:
                # Status 0: no HTTP answer; say what the transport saw.
                why = response.text[:200] or repr(getattr(response, "error", ""))
                response.failure(f"{response.status_code}: {why}")
                return None
            try:
                body = response.json()
            except ValueError:
                response.failure(f"not JSON: {response.text[:200]}")
                return None
            wrong = check(body) if check else ""
            if wrong:
                response.failure(wrong)
                return None
            return body


class SignIn(Base):
    """Signs in on the web (argon2 and all) as the next person — heads of units
    with their authenticator's code — and opens the home page."""

    @task
    def sign_in(self) -> None:
        self.client.cookies.clear()
        host = _host()
        person = _next_person()
        with self.client.get(host + LOGIN, name="GET login page",
                             catch_response=True) as page:  # fmt: skip
            if page.status_code != 200 or "csrftoken" not in self.client.cookies:
                page.failure(f"{page.status_code}: no sign-in form")
                return
        with self.client.post(
            host + LOGIN, name="POST sign in", catch_response=True,
            allow_redirects=False, headers={"Referer": host + LOGIN},
            data={"login": person["username"], "password": SEED["password"],
                  "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
        ) as signed:  # fmt: skip
            where = signed.headers.get("Location", "")
            if signed.status_code != 302 or LOGIN in where:
                signed.failure(f"{signed.status_code} → {where!r}: not signed in")
                return
            if person.get("totp") != (where == MFA):
                signed.failure(f"→ {where!r}: authenticator step expected "
                               f"{bool(person.get('totp'))}")  # fmt: skip
                return
        if where == MFA:  # a head of unit (a signer): the authenticator's code
            if time.time() % 30 > 27:
                # The code is about to change: wait for the next, as a person does
                # (the server still takes a code one step late, RFC 6238 §5.2).
                time.sleep(30 - time.time() % 30)
            with self.client.post(
                host + MFA, name="POST authenticator code", catch_response=True,
                allow_redirects=False, headers={"Referer": host + MFA},
                data={"code": totp(SEED["totp_secret"]),
                      "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            ) as code:  # fmt: skip
                where = code.headers.get("Location", "")
                if code.status_code != 302 or MFA in where or LOGIN in where:
                    code.failure(f"{code.status_code} → {where!r}: code refused")
                    return
        with self.client.get(_host() + "/", name="GET home", catch_response=True,
                             allow_redirects=False) as home:  # fmt: skip
            if home.status_code != 200:
                home.failure(f"{home.status_code}: home page not shown")


class CheckIn(Base):
    """The next person checks in at their own office (inside its geofence)."""

    @task
    def check_in(self) -> None:
        person = _next_person()
        self.api(
            "POST", "/attendance/check-ins", "POST check-in", token=person["token"],
            expect=(201, 200), check=_not_flagged,
            json={"latitude": person["lat"] + random.uniform(-2e-4, 2e-4),
                  "longitude": person["lon"] + random.uniform(-2e-4, 2e-4),
                  "accuracy_m": 15, "client_key": f"load-{time.time_ns()}"},
        )  # fmt: skip


def _not_flagged(body: Any) -> str:
    """A check-in at one's own office is recorded without a flag."""
    return f"flagged: {body.get('flags')}" if body.get("flags") else ""


class Reader(Base):
    who = "kadis"

    @task(3)
    def inbox(self) -> None:
        # Mostly the generated staff's own inboxes, now and then the kadis's (the
        # one that fills up with the letters registered during the run).
        if PEOPLE_TOKENS and random.random() < 0.8:
            self.api("GET", "/inbox", "GET inbox", token=random.choice(PEOPLE_TOKENS))
        else:
            self.api("GET", "/inbox", "GET inbox")

    @task(2)
    def read(self) -> None:
        with _lock:
            letter = random.choice(_letters) if _letters else None
        if letter is not None:
            self.api("GET", f"/letters/{letter}", "GET letter")


class Registrar(Base):
    who = "tu"

    @task
    def register(self) -> None:
        n = time.time_ns()
        body = self.api(
            "POST", "/letters/incoming", "POST register letter",
            data={"unit_id": SEED["dinas"],
                  "addressed_position_id": SEED["positions"]["kadis"],
                  "subject": f"Undangan rapat {n}", "classification_code": "000.1.1",
                  "number": f"005/{n}", "letter_date": "2026-11-02",
                  "sender_institution": "Dinas Kominfo Provinsi Papua"},
            files=[("files", ("surat.pdf", _pdf(), "application/pdf"))],
            expect=(201,),
        )  # fmt: skip
        if body is not None:
            with _lock:
                _letters.append(body["id"])
                _undisposed.append(body["id"])


class Disposer(Base):
    who = "kadis"

    @task
    def dispose(self) -> None:
        with _lock:
            letter = _undisposed.pop(0) if _undisposed else None
        if letter is None:
            return
        if not _instructions:
            listed = self.api("GET", "/instructions", "GET instructions")
            _instructions.extend((listed or [])[:1])
        self.api(
            "POST", f"/letters/{letter}/dispositions", "POST disposition",
            json={"to_position_ids": [SEED["positions"]["kabid_a"]],
                  "instructions": _instructions[:1], "note": "Tindak lanjuti.",
                  "deadline_days": 3},
            expect=(201, 200),
        )  # fmt: skip


_signed: dict[str, int] = {}


class Signer(Base):
    """Each signer signs its next waiting draft once per authenticator window."""

    @task
    def sign(self) -> None:
        if time.time() % 30 > 10:
            # Sign early in the window: a request queued behind others still
            # reaches the server while its code is valid.
            return
        window = int(time.time()) // 30
        with _lock:
            ready = [
                s for s in SEED["drafts"]
                if _signed.get(s, -1) < window and SEED["drafts"][s]
            ]  # fmt: skip
            if not ready:
                return
            self.who = ready[0]
            _signed[self.who] = window
            letter = SEED["drafts"][self.who].pop(0)
        self.api(
            "POST", f"/letters/{letter}/sign", "POST sign",
            json={"passphrase": SEED["passphrase"], "otp": totp(SEED["totp_secret"])},
            expect=(200, 201, 202),
        )  # fmt: skip


for _cls, _kind in [(SignIn, "sign_in"), (CheckIn, "check_in"), (Reader, "inbox"),
                    (Registrar, "register"), (Disposer, "dispose"), (Signer, "sign")]:  # fmt: skip
    _cls.fixed_count = users_needed(_kind)
# Reader also reads letters: its users cover both rates.
Reader.fixed_count = users_needed("inbox") + users_needed("read")
del _cls  # a module-level name for a user class would make Locust run it twice
