from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from warkat.audit.models import AuditEvent
from warkat.core.errors import PermissionDenied, ValidationError
from warkat.org.imports.applying import import_file
from warkat.org.imports.columns import template_csv, template_xlsx
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_tenant")]

UNITS_CSV = """code,name,kind,parent_code,email
DISKOMINFO.TIK,Bidang TIK,bidang,DISKOMINFO,
DISKOMINFO,Dinas Komunikasi dan Informatika,dinas,PEMDA,kominfo@keeromkab.go.id
DISKOMINFO.TIK.INFRA,Seksi Infrastruktur,seksi,DISKOMINFO.TIK,
"""

POSITIONS_CSV = """code;name;unit_code;category;eselon;superior_code;is_head
STAF.TIK;Pranata Komputer;DISKOMINFO.TIK;fungsional;;KABID.TIK;0
KADIS.KOMINFO;Kepala Dinas;DISKOMINFO;jpt;II.b;;1
KABID.TIK;Kepala Bidang TIK;DISKOMINFO.TIK;administrator;III.b;KADIS.KOMINFO;ya
"""

PEOPLE_CSV = """nip,full_name,front_title,back_title,employee_type,rank,position_code,assignment_kind,start_date,end_date,decree_number
197505052000031002,Yakobus Kimber,,S.Kom,pns,IV/c,KADIS.KOMINFO,definitif,2023-01-02,,821.2/1/2023
198811112012122001,Sarah Tabuni,,S.Kom,pns,III/b,KABID.TIK,definitif,02/01/2024,,
,Piter Demo,,,pejabat_politik,,,,,,
"""


def _run(
    kind: str,
    text: str | bytes,
    *,
    dry_run: bool = False,
    name: str | None = None,
    actor=None,
):
    data = text.encode() if isinstance(text, str) else text
    return import_file(
        tenant=f.Tenant.objects.get(region_code="91.11"),
        actor=actor,
        kind=kind,
        name=name or f"{kind}.csv",
        data=data,
        dry_run=dry_run,
    )


def _counts() -> tuple:
    return (
        Unit.objects.count(),
        Position.objects.count(),
        Person.objects.count(),
        Assignment.objects.count(),
        AuditEvent.objects.count(),
    )


def _all_three() -> None:
    assert _run("units", UNITS_CSV).applied
    assert _run("positions", POSITIONS_CSV).applied
    assert _run("people", PEOPLE_CSV).applied


def test_full_import_in_dependency_order_then_idempotent() -> None:
    _all_three()
    tik = Unit.objects.get(code="DISKOMINFO.TIK")
    assert tik.parent.code == "DISKOMINFO" and tik.depth == 2
    assert Position.objects.get(code="STAF.TIK").superior.code == "KABID.TIK"
    assert Position.objects.get(code="KABID.TIK").is_head
    sarah = Person.objects.get(nip="198811112012122001")
    assert sarah.assignments.get().start_date.isoformat() == "2024-01-02"
    before = _counts()

    for kind, text in (
        ("units", UNITS_CSV),
        ("positions", POSITIONS_CSV),
        ("people", PEOPLE_CSV),
    ):
        report = _run(kind, text)
        assert report.applied and report.counts["unchanged"] == 3, report.rows

    assert _counts() == before


def test_dry_run_reports_but_writes_nothing() -> None:
    before = _counts()
    report = _run("units", UNITS_CSV, dry_run=True)
    assert (
        not report.applied and report.counts["created"] == 3 and not report.has_errors
    )
    assert _counts() == before


def test_changed_row_is_an_update() -> None:
    _all_three()
    report = _run(
        "units", UNITS_CSV.replace("Bidang TIK", "Bidang Teknologi Informasi")
    )
    assert report.counts == {"created": 0, "updated": 1, "unchanged": 2, "error": 0}
    assert Unit.objects.get(code="DISKOMINFO.TIK").name == "Bidang Teknologi Informasi"


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_written() -> None:
    f.person(
        f.Tenant.objects.get(region_code="91.11"),
        full_name="Sudah Ada",
        nip="197505052000031002",
    )
    before = _counts()
    text = """nip,full_name,employee_type,rank,position_code,start_date
1975,Pendek,pns,,,
199913012020011001,Tanggal Salah,pns,,,
198811112012122001,Baik,pns,III/b,,
198811112012122001,Dua Kali,pns,,,
199001022021212007,Pangkat Salah,pppk,III/a,,
,Tanpa Jabatan,non_asn,,NOPE,2024-01-01
"""
    report = _run("people", text)

    assert not report.applied and _counts() == before
    errors = {r.row: r.errors[0] for r in report.error_rows}
    assert sorted(errors) == [2, 3, 5, 6, 7]
    assert errors[2]["code"] == "org.nip_format"
    assert errors[3]["code"] == "org.nip_birth_date" and errors[3]["field"] == "nip"
    assert (
        errors[5]["code"] == "import.duplicate_row"
        and "row 4" in errors[5]["message_en"]
    )
    assert errors[6]["code"] == "org.rank_invalid"
    assert errors[7]["code"] == "import.unknown_code"
    assert all(e["message"] and e["message_en"] for e in errors.values())
    assert [r.action for r in report.rows if r.row == 4] == ["created"]


def test_cycle_within_file_is_refused() -> None:
    _run("units", UNITS_CSV)
    text = "code,name,kind,parent_code\nDISKOMINFO,Dinas Kominfo,dinas,DISKOMINFO.TIK.INFRA\n"
    report = _run("units", text)
    assert report.error_rows[0].errors[0]["code"] == "org.unit_cycle"


@pytest.mark.parametrize(
    ("kind", "data", "name", "code"),
    [
        ("units", "kode,nama\nA,B\n", "u.csv", "import.unknown_columns"),
        ("units", "code,name,kind\nA,B,dinas\n", "u.csv", "import.missing_columns"),
        (
            "units",
            "code,code,name,kind,parent_code\n",
            "u.csv",
            "import.duplicate_columns",
        ),
        ("units", "code,name,kind,parent_code\n", "u.csv", "import.no_rows"),
        ("units", "", "u.csv", "import.empty"),
        (
            "people",
            "nip,full_name,employee_type\n1,Andr\xe9,pns\n".encode("latin-1"),
            "p.csv",
            "import.bad_encoding",
        ),
        ("units", b"%PDF-1.7 binary\x00\x01", "u.pdf", "import.bad_type"),
        ("units", b"not a zip", "u.xlsx", "import.bad_xlsx"),
        ("units", b"PK\x03\x04broken zip", "u.xlsx", "import.bad_xlsx"),
        (
            "units",
            "code,name,kind,parent_code\nA,B,dinas,PEMDA\n",
            "u.xls",
            "import.bad_type",
        ),
    ],
)
def test_file_level_errors(kind, data, name, code) -> None:
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _run(kind, data, name=name)
    assert exc.value.code == code
    assert exc.value.text("id") != exc.value.text("en")
    assert _counts() == before


def test_encoding_error_names_the_line() -> None:
    data = "nip,full_name,employee_type\n,Ani,non_asn\n,Andr\xe9,non_asn\n".encode(
        "latin-1"
    )
    with pytest.raises(ValidationError) as exc:
        _run("people", data)
    assert "line 3" in exc.value.text("en")


def test_too_large(settings) -> None:
    settings.WARKAT_IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        _run("units", UNITS_CSV + "x" * 100)
    assert exc.value.code == "import.too_large" and "100" in exc.value.text("id")


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_import_and_nip_stored_as_number() -> None:
    _run("units", UNITS_CSV)
    _run("positions", POSITIONS_CSV)
    data = _xlsx([
        ["NIP", "Full Name", "employee_type", "start_date", "position_code"],
        ["198811112012122001", "Sarah Tabuni", "pns", None, None],
        [197505052000031002, "Angka", "pns", None, None],
    ])  # fmt: skip
    report = _run("people", data, name="pegawai.xlsx")
    assert report.error_rows[0].row == 3
    assert report.error_rows[0].errors[0]["code"] == "import.nip_number"

    import datetime as dt

    data = _xlsx([
        ["nip", "full_name", "employee_type", "position_code", "start_date"],
        ["198811112012122001", "Sarah Tabuni", "pns", "KABID.TIK", dt.datetime(2024, 1, 2)],
    ])  # fmt: skip
    assert _run("people", data, name="pegawai.xlsx").applied
    assert Assignment.objects.get().start_date == dt.date(2024, 1, 2)


def test_templates_are_importable_headers() -> None:
    for kind in ("units", "positions", "people"):
        header = template_csv(kind).decode().splitlines()[0]
        assert header.startswith(("code", "nip"))
        assert template_xlsx(kind)[:2] == b"PK"


def test_only_the_tenant_admin_imports() -> None:
    tenant = f.Tenant.objects.get(region_code="91.11")
    staff = f.user(tenant, "unit_admin", unit_=f.unit(tenant))
    with pytest.raises(PermissionDenied):
        _run("units", UNITS_CSV, actor=staff)
    admin = f.user(tenant, "tenant_admin")
    assert _run("units", UNITS_CSV, actor=admin).applied
