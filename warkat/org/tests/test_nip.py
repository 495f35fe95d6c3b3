from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warkat.core.errors import ValidationError
from warkat.org.nip import nip_parse
from warkat.org.tests.factories import nip_pns, nip_pppk

TODAY = dt.date(2026, 11, 23)


def test_pns_example_from_the_reference() -> None:
    info = nip_parse("196711101992031001", employee_type="pns", today=TODAY)

    assert info.birth_date == dt.date(1967, 11, 10)
    assert info.tmt == dt.date(1992, 3, 1)
    assert info.sex == "L"
    assert info.serial == 1
    assert not info.is_pppk


def test_pppk_is_parsed_with_its_own_layout() -> None:
    info = nip_parse("199001022021212007", employee_type="pppk", today=TODAY)

    assert info.birth_date == dt.date(1990, 1, 2)
    assert info.tmt == dt.date(2021, 1, 1)
    assert info.sex == "P"
    assert info.serial == 7
    assert info.is_pppk


def test_spaces_are_ignored() -> None:
    assert nip_parse("19671110 199203 1 001", employee_type="pns", today=TODAY)


@pytest.mark.parametrize(
    ("nip", "kind", "code", "fragment_en", "fragment_id"),
    [
        ("1967111019920310", "pns", "format", "18 digits", "18 digit"),
        ("19671110199203100X", "pns", "format", "18 digits", "18 digit"),
        ("196702301992031001", "pns", "birth_date", "not a real birth date", "lahir"),
        ("189902011992031001", "pns", "birth_date", "not plausible", "lahir"),
        ("196711101992131001", "pns", "tmt_month", "not a month", "bulan"),
        ("196711101980031001", "pns", "tmt_early", "less than 17 years", "17 tahun"),
        ("199001012027011001", "pns", "tmt_future", "in the future", "masa depan"),
        ("196711101992033001", "pns", "sex", "digit 15", "digit ke-15"),
        ("196711101992031000", "pns", "serial", "001 to 999", "001 sampai 999"),
        ("199001022021112007", "pppk", "pppk_marker", "PPPK marker", "PPPK"),
        ("199001022021202007", "pppk", "pppk_frequency", "1 to 9", "1 sampai 9"),
        ("199001022027212007", "pppk", "tmt_future", "in the future", "masa depan"),
    ],
)
def test_each_wrong_part_is_named_in_both_languages(
    nip: str, kind: str, code: str, fragment_en: str, fragment_id: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        nip_parse(nip, employee_type=kind, today=TODAY)

    assert exc.value.code == f"org.nip_{code}"
    assert exc.value.field == "nip"
    assert fragment_en in exc.value.text("en")
    assert fragment_id in exc.value.text("id")


@given(
    birth=st.dates(dt.date(1950, 1, 1), dt.date(2000, 12, 31)),
    years=st.integers(17, 25),
    month=st.integers(1, 12),
    sex=st.sampled_from([1, 2]),
    serial=st.integers(1, 999),
)
def test_every_well_formed_pns_nip_round_trips(
    birth: dt.date, years: int, month: int, sex: int, serial: int
) -> None:
    tmt_year = birth.year + years + (1 if month < birth.month else 0)
    nip = nip_pns(birth, (tmt_year, month), sex, serial)

    info = nip_parse(nip, employee_type="pns", today=TODAY)

    assert (info.birth_date, info.sex, info.serial) == (
        birth,
        "L" if sex == 1 else "P",
        serial,
    )


@given(
    birth=st.dates(dt.date(1960, 1, 1), dt.date(2000, 12, 31)),
    freq=st.integers(1, 9),
    serial=st.integers(1, 999),
)
def test_every_well_formed_pppk_nip_round_trips(
    birth: dt.date, freq: int, serial: int
) -> None:
    nip = nip_pppk(birth, 2024, freq, 1, serial)

    assert nip_parse(nip, employee_type="pppk", today=TODAY).birth_date == birth


@given(st.text(max_size=25))
def test_arbitrary_text_is_either_valid_or_a_validation_error(text: str) -> None:
    try:
        nip_parse(text, employee_type="pns", today=TODAY)
    except ValidationError as exc:
        assert exc.code.startswith("org.nip_")
