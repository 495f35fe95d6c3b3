"""Number formats: parsing, rendering, Roman months, and refusal of bad formats."""

from __future__ import annotations

import datetime as dt

import pytest

from warkat.core.errors import ValidationError
from warkat.drafting.numbering import (
    NumberContext,
    number_render,
    pattern_parse,
    roman_month,
)


def ctx(**kw: object) -> NumberContext:
    data: dict[str, object] = {
        "sequence": 7, "classification": "000.1.1", "unit_code": "DISKOMINFO",
        "date": dt.date(2026, 11, 4), "security": "biasa",
    }  # fmt: skip
    data.update(kw)
    return NumberContext(**data)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("month", "roman"),
    [(1, "I"), (2, "II"), (3, "III"), (4, "IV"), (5, "V"), (6, "VI"), (7, "VII"),
     (8, "VIII"), (9, "IX"), (10, "X"), (11, "XI"), (12, "XII")],
)  # fmt: skip
def test_roman_months(month: int, roman: str) -> None:
    assert roman_month(month) == roman


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (
            "{klasifikasi}/{nomor}/{unit}/{bulan_romawi}/{tahun}",
            "000.1.1/7/DISKOMINFO/XI/2026",
        ),
        ("{klasifikasi}/{nomor:4}/{unit}/{tahun}", "000.1.1/0007/DISKOMINFO/2026"),
        (
            "{kode_keamanan}-{nomor:3}/{unit}/{bulan}/{tahun}",
            "B-007/DISKOMINFO/11/2026",
        ),
        ("{klasifikasi}/{nomor}/OR", "000.1.1/7/OR"),
        ("NOMOR {nomor} TAHUN {tahun}", "NOMOR 7 TAHUN 2026"),
    ],
)
def test_render(pattern: str, expected: str) -> None:
    assert number_render(pattern_parse(pattern), ctx()) == expected


def test_missing_classification_leaves_no_double_slash() -> None:
    parts = pattern_parse("{klasifikasi}/{nomor}/{unit}/{tahun}")
    assert number_render(parts, ctx(classification="")) == "7/DISKOMINFO/2026"


def test_secret_code() -> None:
    parts = pattern_parse("{kode_keamanan}/{nomor}")
    assert number_render(parts, ctx(security="sangat_rahasia")) == "SR/7"


@pytest.mark.parametrize(
    "pattern",
    ["", "{klasifikasi}/{unit}", "{nomor}/{nomor}", "{nomer}/{tahun}", "{tahun:3}/{nomor}",
     "{nomor:99}", "{nomor}<script>", "{nomor}/{", "x" * 201],
)  # fmt: skip
def test_bad_formats_refused(pattern: str) -> None:
    with pytest.raises(ValidationError) as exc:
        pattern_parse(pattern)
    assert exc.value.code == "drafting.number_format_invalid"
