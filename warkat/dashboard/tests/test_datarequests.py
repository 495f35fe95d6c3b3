"""Data requests for the public portal: request, upload validated per row and column
(formulas, wrong columns and types, oversize refused, nothing kept half), review,
publish on the public page and feeds, unpublish; who may do and see what."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from warkat.dashboard.models import DataRequest, DataRequestTarget, Dataset
from warkat.letters.tests.factories import client_for

pytestmark = pytest.mark.django_db
COLUMNS = "Distrik:text\nJumlah penduduk:integer\nLuas (km2):decimal\nTanggal data:date"
GOOD_CSV = (
    "Distrik,Jumlah penduduk,Luas (km2),Tanggal data\n"
    'Arso,12.345,"1234,5",2026-10-31\n'
    "Skanto,9870,880.25,31/10/2026\n"
)


@pytest.fixture
def request_sent(o: SimpleNamespace, frozen: Any) -> DataRequestTarget:
    """The Kepala Dinas Kominfo (walidata) asks the Kepala Dinas Kesehatan."""
    response = client_for(o.users.kadis).post(
        "/dasbor/data/baru/",
        {
            "title": "Penduduk per distrik", "period": "2026", "columns": COLUMNS,
            "position_ids": [str(o.pos.kadinkes.pk)], "deadline_days": "2",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content
    return DataRequestTarget.objects.get()


def upload(user: Any, target: DataRequestTarget, name: str, data: bytes) -> Any:
    return client_for(user).post(
        f"/dasbor/data/target/{target.pk}/unggah/",
        {"file": SimpleUploadedFile(name, data)},
    )


def test_request_gets_a_working_day_deadline(
    o: SimpleNamespace, request_sent: DataRequestTarget
) -> None:
    request = DataRequest.objects.get()
    # Wednesday 4 November 2026 + 2 working days = Friday 6 November.
    assert str(request.deadline) == "2026-11-06"
    assert request.columns[1] == {"name": "Jumlah penduduk", "type": "integer"}
    page = client_for(o.users.kadinkes).get("/dasbor/data/").content.decode()
    assert "Penduduk per distrik" in page


def test_upload_review_publish_unpublish(
    o: SimpleNamespace, request_sent: DataRequestTarget
) -> None:
    assert (
        upload(
            o.users.kadinkes, request_sent, "data.csv", GOOD_CSV.encode()
        ).status_code
        == 302
    )
    target = DataRequestTarget.objects.get()
    assert target.state == "submitted"
    assert target.rows == [
        ["Arso", 12345, "1234.5", "2026-10-31"],
        ["Skanto", 9870, "880.25", "2026-10-31"],
    ]
    # Not public before it is accepted.
    public = Client()
    slug = o.tenant.slug
    assert "Penduduk" not in public.get(f"/dasbor/publik/{slug}/").content.decode()
    # Returning needs a note; accepting publishes.
    review = client_for(o.users.kadis)
    assert (
        review.post(
            f"/dasbor/data/target/{target.pk}/tinjau/", {"decision": "return"}
        ).status_code
        == 422
    )
    assert (
        review.post(
            f"/dasbor/data/target/{target.pk}/tinjau/", {"decision": "accept"}
        ).status_code
        == 302
    )
    dataset = Dataset.objects.get()
    assert dataset.producer == "Dinas Kesehatan"
    index = public.get(f"/dasbor/publik/{slug}/")
    assert index.status_code == 200 and "Penduduk per distrik" in index.content.decode()
    page = public.get(f"/dasbor/publik/{slug}/{dataset.pk}/").content.decode()
    assert "Skanto" in page
    feed = public.get(f"/dasbor/publik/{slug}/katalog.json").json()
    meta = feed["datasets"][0]
    assert (meta["title"], meta["producer"], meta["period"]) == (
        "Penduduk per distrik",
        "Dinas Kesehatan",
        "2026",
    )
    assert meta["license"] and meta["modified"] and meta["distribution"]["csv"]
    data = public.get(f"/dasbor/publik/{slug}/{dataset.pk}/json/").json()
    assert data["rows"][0]["Jumlah penduduk"] == 12345
    csv_text = public.get(f"/dasbor/publik/{slug}/{dataset.pk}/csv/").content.decode()
    assert csv_text.splitlines()[1] == "Arso,12345,1234.5,2026-10-31"
    xlsx = public.get(f"/dasbor/publik/{slug}/{dataset.pk}/xlsx/")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]] == ["Arso", 12345, "1234.5", "2026-10-31"]
    # Unpublishing keeps the row and hides it from the public.
    assert review.post(f"/dasbor/data/dataset/{dataset.pk}/tarik/").status_code == 302
    assert Dataset.objects.get().unpublished_at is not None
    assert public.get(f"/dasbor/publik/{slug}/{dataset.pk}/").status_code == 404
    assert public.get(f"/dasbor/publik/{slug}/{dataset.pk}/csv/").status_code == 404
    assert public.get(f"/dasbor/publik/{slug}/katalog.json").json()["datasets"] == []


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["Distrik", "Jumlah penduduk", "Luas (km2)", "Tanggal data"]


@pytest.mark.parametrize(
    ("name", "data", "code", "where"),
    [
        ("a.csv", b"Distrik,Penduduk\nArso,1\n", "dataset.columns", {"row": 1, "column": "Jumlah penduduk"}),
        ("a.csv", GOOD_CSV.replace("9870", "banyak").encode(), "dataset.invalid",
         {"row": 3, "column": "Jumlah penduduk"}),
        ("a.csv", GOOD_CSV.replace("31/10/2026", "kemarin").encode(), "dataset.invalid",
         {"row": 3, "column": "Tanggal data"}),
        ("a.csv", GOOD_CSV.replace("Skanto", "=1+2").encode(), "dataset.invalid",
         {"row": 3, "column": "Distrik"}),
        ("a.xlsx", _xlsx([HEADER, ["Arso", "=SUM(1,2)", 1.5, "2026-10-31"]]),
         "dataset.invalid", {"row": 2, "column": "Jumlah penduduk"}),
        ("a.xlsx", b"PK\x03\x04 not really", "dataset.unreadable", None),
        ("a.pdf", b"%PDF-1.4", "dataset.format", None),
        ("a.csv", b"\xff\xfe\x00bad", "dataset.encoding", None),
    ],
    # Named, not by their bytes: an XLSX holds the time it was written, and xdist's
    # workers must collect the same test ids.
    ids=["columns", "bad-number", "bad-date", "formula-csv", "formula-xlsx",
         "not-xlsx", "pdf", "encoding"],
)  # fmt: skip
def test_bad_uploads_get_clear_errors_and_keep_nothing(
    o: SimpleNamespace,
    request_sent: DataRequestTarget,
    name: str,
    data: bytes,
    code: str,
    where: dict | None,
) -> None:
    response = client_for(o.users.kadinkes).post(
        f"/dasbor/data/target/{request_sent.pk}/unggah/",
        {"file": SimpleUploadedFile(name, data)},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 422
    html = response.content.decode()
    if where:
        assert f"Baris {where['row']}" in html or f"Row {where['row']}" in html
        assert where["column"] in html
    target = DataRequestTarget.objects.get()
    assert (target.state, target.rows) == ("pending", [])
    assert f'data-code="{code}"' in html


def test_fifty_megabytes_are_refused_unread(
    o: SimpleNamespace, request_sent: DataRequestTarget
) -> None:
    big = SimpleUploadedFile("big.csv", b"x" * (50 * 1024 * 1024))
    response = client_for(o.users.kadinkes).post(
        f"/dasbor/data/target/{request_sent.pk}/unggah/", {"file": big}
    )
    assert response.status_code == 422
    assert DataRequestTarget.objects.get().state == "pending"


def test_only_the_addressee_uploads_and_only_the_requester_reviews(
    o: SimpleNamespace, request_sent: DataRequestTarget
) -> None:
    # Someone neither asked nor asking: not found.
    assert (
        upload(o.users.staf_a, request_sent, "a.csv", GOOD_CSV.encode()).status_code
        == 404
    )
    # The requester sees the target but cannot upload for the SKPD.
    assert (
        upload(o.users.kadis, request_sent, "a.csv", GOOD_CSV.encode()).status_code
        == 403
    )
    upload(o.users.kadinkes, request_sent, "a.csv", GOOD_CSV.encode())
    # The addressee cannot accept their own data; a second upload waits for review.
    response = client_for(o.users.kadinkes).post(
        f"/dasbor/data/target/{request_sent.pk}/tinjau/", {"decision": "accept"}
    )
    assert response.status_code == 403
    assert (
        upload(o.users.kadinkes, request_sent, "a.csv", GOOD_CSV.encode()).status_code
        == 409
    )
    assert not Dataset.objects.exists()


def test_bad_requests_are_refused(o: SimpleNamespace, frozen: Any) -> None:
    client = client_for(o.users.kadis)
    for body in (
        {"title": "X", "period": "2026", "columns": "A:money", "position_ids": [str(o.pos.kadinkes.pk)], "deadline_days": "2"},
        {"title": "X", "period": "2026", "columns": "A\na", "position_ids": [str(o.pos.kadinkes.pk)], "deadline_days": "2"},
        {"title": "X", "period": "2026", "columns": "A", "position_ids": ["999999"], "deadline_days": "2"},
        {"title": "X", "period": "2026", "columns": "A", "position_ids": [str(o.pos.kadinkes.pk)], "deadline_days": "lima"},
    ):  # fmt: skip
        assert client.post("/dasbor/data/baru/", body).status_code == 422
    assert not DataRequest.objects.exists()


def test_public_portal_of_unknown_tenant_is_404(db: Any) -> None:
    assert Client().get("/dasbor/publik/tidak-ada/").status_code == 404


def test_api_request_submit_review(o: SimpleNamespace, frozen: Any) -> None:
    import json

    kadis = client_for(o.users.kadis)
    created = kadis.post(
        "/api/v1/dashboard/data-requests",
        json.dumps({
            "title": "Puskesmas", "period": "2026",
            "columns": [{"name": "Nama", "type": "text"}, {"name": "Dokter", "type": "integer"}],
            "position_ids": [o.pos.kadinkes.pk], "deadline_days": 1,
        }),
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 200, created.content
    target_id = created.json()["targets"][0]["id"]
    kadinkes = client_for(o.users.kadinkes)
    bad = kadinkes.post(
        f"/api/v1/dashboard/data-requests/targets/{target_id}/submission",
        {"file": SimpleUploadedFile("p.csv", b"Nama,Dokter\nArso,dua\nSkanto,=2\n")},
    )
    assert bad.status_code == 422
    body = bad.json()
    assert body["code"] == "dataset.invalid"
    assert [(d["row"], d["column"]) for d in body["details"]] == [
        (2, "Dokter"), (3, "Dokter"),
    ]  # fmt: skip
    good = kadinkes.post(
        f"/api/v1/dashboard/data-requests/targets/{target_id}/submission",
        {"file": SimpleUploadedFile("p.csv", b"Nama,Dokter\nArso,2\n")},
    )
    assert (good.status_code, good.json()["rows"]) == (200, 1)
    listed = kadinkes.get("/api/v1/dashboard/data-requests").json()
    assert listed["received"][0]["state"] == "submitted"
    reviewed = kadis.post(
        f"/api/v1/dashboard/data-requests/targets/{target_id}/review",
        json.dumps({"accept": True}),
        content_type="application/json",
    )
    assert reviewed.json()["state"] == "accepted"
    assert Dataset.objects.filter(unpublished_at__isnull=True).count() == 1


def test_the_command_centre_shows_who_is_late(
    o: SimpleNamespace, request_sent: DataRequestTarget, frozen: Any
) -> None:
    import datetime as dt

    bupati = client_for(o.users.bupati)
    assert "Penduduk per distrik" not in bupati.get("/dasbor/").content.decode()
    # Deadline Friday 6 November; on Monday 9 November the Dinas Kesehatan is late.
    frozen.move_to(dt.datetime(2026, 11, 9, 1, 0, tzinfo=dt.UTC))
    page = client_for(o.users.bupati).get("/dasbor/").content.decode()
    assert "Penduduk per distrik" in page and "Kepala Dinas Kesehatan" in page
    # The Kabid's subtree does not include the Dinas Kesehatan.
    assert (
        "Penduduk" not in client_for(o.users.kabid_a).get("/dasbor/").content.decode()
    )
