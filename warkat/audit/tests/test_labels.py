"""The audit pages name events, objects and capacities for people; the stored codes
stay as they are (they are part of each event's hash)."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client
from django.urls import reverse

from warkat.accounts.tests.conftest import make_user
from warkat.audit.labels import ACTION_LABELS
from warkat.audit.services import audit_record
from warkat.dispositions.workflow import ALLOWED_TRANSITIONS
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

WARKAT = Path(__file__).resolve().parents[2]
# action="letter.register" (audit_record, auth_event_record, ...) anywhere in the code.
LITERAL = re.compile(r"""\baction=\s*"([a-z_]+\.[a-z_]+)\"""")
# drafting's audit_drafting(draft, "submit", ...), the code written as "drafting.submit".
DRAFTING = re.compile(
    r"""\baudit_drafting\(\s*\w+,\s*(?:"([a-z_]+)"|"([a-z_]+)" if \w+ else "([a-z_]+)")"""
)


def _recorded_codes() -> set[str]:
    codes: set[str] = set()
    for path in WARKAT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        codes |= set(LITERAL.findall(text))
        if "drafting" in path.parts:
            for groups in DRAFTING.findall(text):
                codes |= {f"drafting.{g}" for g in groups if g}
    # disposition_transition records "disposition.<action>" for each transition.
    codes |= {f"disposition.{a}" for a in ALLOWED_TRANSITIONS}
    # attendance records "attendance.checkin_<review>" and "attendance.request_<state>".
    codes |= {f"attendance.checkin_{r}" for r in ("accepted", "rejected")}
    codes |= {f"attendance.request_{s}" for s in ("approved", "refused")}
    return codes


def test_every_recorded_action_has_a_name() -> None:
    codes = _recorded_codes()
    assert {"letter.register", "drafting.submit", "drafting.review_edit"} <= codes
    assert {"disposition.close", "auth.login"} <= codes
    assert not sorted(codes - set(ACTION_LABELS))


def test_event_pages_show_names_not_codes(client: Client, tenant: Tenant) -> None:
    admin = make_user(tenant, "admin.keerom", "tenant_admin")
    with tenant_scope(tenant):
        event = audit_record(
            tenant=tenant,
            actor=admin,
            action="letter.register",
            obj=admin,
            capacity="plh",
        )
    client.force_login(admin)
    rows = client.get(reverse("audit:event_list")).content.decode()
    shown = re.sub(r'title="[^"]*"', "", rows)  # the code stays at hand on hover
    assert "Surat dicatat" in shown and "letter.register" not in shown
    assert "(Plh.)" in shown and "(plh)" not in shown
    assert "accounts.user" not in shown and "Pengguna #" in shown
    detail = client.get(
        reverse("audit:event_detail", args=[event.seq])
    ).content.decode()
    assert "Surat dicatat" in detail and "Plh." in detail
