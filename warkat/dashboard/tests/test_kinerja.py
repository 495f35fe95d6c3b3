"""Kinerja: the month's evidence per subordinate, the superior's PermenPANRB rating,
the person's own view, the unit export; who may rate and see what."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook

from warkat.audit.models import AuditEvent
from warkat.dashboard.models import Assessment
from warkat.dashboard.tests.history import at, build_history
from warkat.letters.tests.factories import client_for

pytestmark = pytest.mark.django_db
MONTH = "2026-11"


@pytest.fixture
def history(o: SimpleNamespace, frozen: Any) -> dict:
    h = build_history(o, frozen)
    frozen.move_to(at(h["days"][3], 10))
    return h


def put(client: Any, person: Any, **body: Any) -> Any:
    return client.put(
        f"/api/v1/dashboard/kinerja/{person.pk}",
        json.dumps({"month": MONTH, **body}),
        content_type="application/json",
    )


def test_superior_sees_evidence_and_rates_subordinates(
    o: SimpleNamespace, history: dict
) -> None:
    kadis = client_for(o.users.kadis)
    data = kadis.get("/api/v1/dashboard/kinerja", {"month": MONTH}).json()
    rows = {r["name"]: r for r in data["subordinates"]}
    assert set(rows) == {
        o.people.sekdis.display_name, o.people.kabid_a.display_name,
        o.people.kabid_b.display_name,
    }  # fmt: skip
    ev = rows[o.people.kabid_a.display_name]["evidence"]
    assert (ev["disp_received"], ev["disp_due"], ev["disp_due_on_time"]) == (1, 1, 1)
    assert ev["followups"] == 1
    late = rows[o.people.kabid_b.display_name]["evidence"]
    assert (late["disp_due"], late["disp_due_on_time"]) == (1, 0)
    assert data["own"]["evidence"]["disp_made"] == 2

    response = put(kadis, o.people.kabid_a, rating="sangat_baik", note="Cepat")
    assert response.status_code == 200, response.content
    assert response.json()["rating"] == "sangat_baik"
    # Changing it keeps one assessment per person and month.
    assert put(kadis, o.people.kabid_a, rating="baik").status_code == 200
    assert Assessment.objects.get(person=o.people.kabid_a).rating == "baik"
    # The person sees their own month and rating.
    own = client_for(o.users.kabid_a).get("/api/v1/dashboard/kinerja").json()
    assert own["own"]["assessment"]["rating"] == "baik"
    assert own["subordinates"][0]["name"] == o.people.staf_a.display_name
    # The audit log names whose and when, not the rating or the note.
    event = AuditEvent.objects.filter(action="dashboard.assessment_set").last()
    assert "baik" not in event.object_repr and "Cepat" not in str(event.data)


@pytest.mark.parametrize(
    ("actor", "target", "body", "status", "code"),
    [
        ("kabid_b", "kabid_a", {"rating": "baik"}, 403, "dashboard.not_assessor"),
        ("kadis", "staf_a", {"rating": "baik"}, 403, "dashboard.not_assessor"),
        ("kabid_a", "kabid_a", {"rating": "baik"}, 403, "dashboard.not_assessor"),
        ("kadis", "kabid_a", {"rating": "luar biasa"}, 422, "dashboard.rating_invalid"),
        ("kadis", "kabid_a", {"rating": "baik", "month": "11/2026"}, 422,
         "dashboard.month_invalid"),
    ],
)  # fmt: skip
def test_only_the_direct_superior_rates_with_a_valid_rating(
    o: SimpleNamespace,
    history: dict,
    actor: str,
    target: str,
    body: dict,
    status: int,
    code: str,
) -> None:
    response = put(
        client_for(getattr(o.users, actor)), getattr(o.people, target), **body
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Assessment.objects.exists()


def test_another_tenants_person_is_not_found(
    o: SimpleNamespace, history: dict, other_tenant: Any
) -> None:
    from warkat.org.tests import factories as org
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(other_tenant):
        stranger = org.person(other_tenant, full_name="Orang Gorontalo")
    response = put(client_for(o.users.kadis), stranger, rating="baik")
    assert response.status_code == 404


def test_rating_form_and_unit_export(o: SimpleNamespace, history: dict) -> None:
    kadis = client_for(o.users.kadis)
    page = kadis.get("/dasbor/kinerja/", {"month": MONTH})
    assert page.status_code == 200
    assert o.people.kabid_b.display_name in page.content.decode()
    bad = kadis.post(
        "/dasbor/kinerja/",
        {"month": MONTH, "person": o.people.kabid_b.pk, "rating": "??"},
    )
    assert bad.status_code == 422
    saved = kadis.post(
        "/dasbor/kinerja/",
        {"month": MONTH, "person": o.people.kabid_b.pk, "rating": "kurang",
         "note": "=HYPERLINK(\"x\")"},
    )  # fmt: skip
    assert saved.status_code == 302
    export = kadis.get(f"/dasbor/kinerja/unit/{o.dinas.pk}/unduh/", {"month": MONTH})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    kabid_b = rows[o.people.kabid_b.display_name]
    assert kabid_b[4:6] == (1, 0)  # due 1, on time 0
    assert kabid_b[10] == "Kurang"
    assert not str(kabid_b[11]).startswith("=")  # a note is never a formula
    assert o.people.kadinkes.display_name not in rows  # another dinas
    # Out of scope: another bidang for a Kabid; no subtree at all for staff.
    assert (
        client_for(o.users.kabid_a)
        .get(f"/dasbor/kinerja/unit/{o.bid_b.pk}/unduh/")
        .status_code
        == 404
    )
    assert (
        client_for(o.users.staf_a)
        .get(f"/dasbor/kinerja/unit/{o.dinas.pk}/unduh/")
        .status_code
        == 403
    )
