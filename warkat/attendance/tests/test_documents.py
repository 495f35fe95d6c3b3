"""Documents of leave requests: the tenant's rules (national defaults), the upload
check by content, the refusal of a request missing its document, and who may
download (requester, approver chain, personnel office; nobody else, no other
tenant)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from warkat.attendance.models import AttendanceRequest, RequestDocument
from warkat.attendance.tests.conftest import NOTE, NOTE_PDF
from warkat.letters.tests.factories import client_for
from warkat.org.tests import factories as org
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance/requests"


def ask(o: Any, **body: Any) -> Any:
    body = {
        "kind": "sakit",
        "start_date": "2026-11-05",
        "end_date": "2026-11-06",
        "reason": "Demam",
        **body,
    }
    return client_for(o.users.staf_a).post(
        URL, data=json.dumps(body), content_type="application/json"
    )


def b64(data: bytes, name: str = "x.pdf") -> dict[str, str]:
    return {"filename": name, "content_base64": base64.b64encode(data).decode()}


def test_sick_over_one_day_without_a_doctors_note_is_refused(o: Any) -> None:
    res = ask(o, documents=[])
    assert res.status_code == 422
    body = res.json()
    assert body["code"] == "attendance.document_missing"
    assert "Surat keterangan dokter" in body["message"]
    assert "dokumen" in body["message"] and "document" in body["message_en"]
    assert AttendanceRequest.objects.count() == 0


def test_one_sick_day_needs_no_note_and_the_note_is_kept(o: Any, media: Any) -> None:
    assert ask(o, end_date="2026-11-05").status_code == 201
    res = ask(o, start_date="2026-11-09", end_date="2026-11-10", documents=[NOTE])
    assert res.status_code == 201, res.content
    (doc,) = res.json()["documents"]
    assert doc["name"] == "Surat keterangan dokter"
    assert doc["content_type"] == "application/pdf"
    stored = RequestDocument.objects.get()
    assert stored.storage_name.startswith(f"{o.tenant.pk}/attendance/documents/")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<html>not a pdf</html>", "attendance.document_invalid"),
        (b"%PDF-" + b"0" * (5 * 1024 * 1024), "attendance.document_too_large"),
    ],
)
def test_wrong_or_too_large_files_are_refused(o: Any, data: bytes, code: str) -> None:
    res = ask(o, documents=[b64(data, "surat.pdf")])
    assert res.status_code == 422 and res.json()["code"] == code
    assert AttendanceRequest.objects.count() == 0 and not RequestDocument.objects.all()


def test_rules_are_tenant_configuration(o: Any) -> None:
    bkpsdm = org.user(o.tenant, "kepegawaian", username="bkpsdm")
    res = client_for(bkpsdm).patch(
        "/api/v1/attendance/settings",
        data=json.dumps({"document_rules": [["izin", 0, "Surat undangan"]]}),
        content_type="application/json",
    )
    assert res.status_code == 200, res.content
    assert res.json()["document_rules"] == [["izin", 0, "Surat undangan"]]
    assert ask(o).status_code == 201  # sakit no longer needs a note here
    assert ask(o, kind="izin", start_date="2026-11-09").status_code == 422
    bad = client_for(bkpsdm).patch(
        "/api/v1/attendance/settings",
        data=json.dumps({"document_rules": [["libur", 0, "x"]]}),
        content_type="application/json",
    )
    assert bad.status_code == 422


def _web_request(o: Any) -> RequestDocument:
    res = client_for(o.users.staf_a).post(
        "/absen/permohonan/",
        {
            "kind": "sakit",
            "start_date": "2026-11-05",
            "end_date": "2026-11-06",
            "reason": "Demam",
            "documents": SimpleUploadedFile("surat dokter.pdf", NOTE_PDF),
        },
    )
    assert res.status_code == 302
    return RequestDocument.objects.get()


def test_web_form_upload_and_the_approver_sees_the_document(o: Any) -> None:
    doc = _web_request(o)
    page = client_for(o.users.kabid_a).get("/absen/permohonan/")
    assert f"/absen/permohonan/dokumen/{doc.pk}/" in page.content.decode()
    assert "Surat keterangan dokter" in page.content.decode()


def test_web_form_without_the_note_says_why(o: Any) -> None:
    client = client_for(o.users.staf_a)
    res = client.post(
        "/absen/permohonan/",
        {"kind": "sakit", "start_date": "2026-11-05", "end_date": "2026-11-06",
         "reason": "Demam"},
        follow=True,
    )  # fmt: skip
    assert "Surat keterangan dokter" in res.content.decode()
    assert AttendanceRequest.objects.count() == 0


@pytest.mark.parametrize("who", ["staf_a", "kabid_a", "kadis"])
def test_requester_and_approver_chain_download(o: Any, who: str) -> None:
    doc = _web_request(o)
    res = client_for(getattr(o.users, who)).get(f"/absen/permohonan/dokumen/{doc.pk}/")
    assert res.status_code == 200
    assert res["Content-Type"] == "application/pdf"
    assert "no-store" in res["Cache-Control"]
    assert res.content == NOTE_PDF
    api = client_for(getattr(o.users, who)).get(
        f"/api/v1/attendance/request-documents/{doc.pk}"
    )
    assert api.status_code == 200 and api.content == NOTE_PDF


def test_personnel_office_downloads(o: Any) -> None:
    doc = _web_request(o)
    bkpsdm = org.user(o.tenant, "kepegawaian", username="bkpsdm")
    res = client_for(bkpsdm).get(f"/absen/permohonan/dokumen/{doc.pk}/")
    assert res.status_code == 200


@pytest.mark.parametrize("who", ["staf_b", "kabid_b", "tu", "outsider"])
def test_others_do_not_download(o: Any, who: str) -> None:
    doc = _web_request(o)
    client = client_for(getattr(o.users, who))
    assert client.get(f"/absen/permohonan/dokumen/{doc.pk}/").status_code == 404
    res = client.get(f"/api/v1/attendance/request-documents/{doc.pk}")
    assert res.status_code == 404


def test_another_tenant_downloads_nothing(o: Any, other_tenant: Any) -> None:
    doc = _web_request(o)
    with tenant_scope(other_tenant):
        stranger = org.user(other_tenant, "kepegawaian", username="bkpsdm.gtlo")
    client = client_for(stranger)
    assert client.get(f"/absen/permohonan/dokumen/{doc.pk}/").status_code == 404
    res = client.get(f"/api/v1/attendance/request-documents/{doc.pk}")
    assert res.status_code == 404
