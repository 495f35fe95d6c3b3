"""NIP (Nomor Induk Pegawai) validation for PNS and PPPK, and pangkat/golongan codes.

PNS:  ``YYYYMMDD`` birth date, ``YYYYMM`` TMT CPNS, sex digit (1 male, 2 female),
      serial 001-999.
PPPK: ``YYYYMMDD`` birth date, ``YYYY`` TMT year, ``2`` (the PPPK marker),
      frequency 1-9, sex digit, serial 001-999.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.org import errors

#: Youngest age at which anyone is appointed (CPNS/PPPK minimum is 18; one year slack
#: for a TMT recorded at the start of the month).
MIN_AGE_AT_TMT = 17
_OLDEST_BIRTH_YEAR = 1900

# Pangkat/golongan. PNS: I/a … IV/e; PPPK: golongan I … XVII.
PNS_RANKS: dict[str, str] = {
    "I/a": "Juru Muda",
    "I/b": "Juru Muda Tingkat I",
    "I/c": "Juru",
    "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda",
    "II/b": "Pengatur Muda Tingkat I",
    "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda",
    "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata",
    "III/d": "Penata Tingkat I",
    "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I",
    "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}
PPPK_RANKS: tuple[str, ...] = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
)  # fmt: skip


def rank_label(rank: str) -> str:
    """``Pembina (IV/a)`` for a PNS golongan; the code itself otherwise."""
    name = PNS_RANKS.get(rank)
    return f"{name} ({rank})" if name else rank


@dataclass(frozen=True, slots=True)
class NipInfo:
    nip: str
    birth_date: dt.date
    tmt: dt.date  # first day of the TMT month (PNS) or year (PPPK)
    sex: str  # "L" or "P" (Person.Sex)
    serial: int
    is_pppk: bool


def _date(nip: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise errors.nip_invalid(
            nip,
            "birth_date",
            _(
                "NIP %(nip)s is not valid: digits 1-8 (%(value)s) are not a real birth date."
            ),
            {"value": nip[:8]},
        ) from None


def nip_parse(
    nip: str | None, *, employee_type: str, today: dt.date | None = None
) -> NipInfo:
    """Validate ``nip`` for a PNS (``pns``) or PPPK (``pppk``) and return what it says.

    Raises ``ValidationError`` naming the part that is wrong.
    """
    value = (nip or "").strip().replace(" ", "")
    if len(value) != 18 or not value.isascii() or not value.isdigit():
        raise errors.nip_invalid(
            value,
            "format",
            _("NIP %(nip)s is not valid: a NIP has exactly 18 digits."),
        )
    today = today or timezone.localdate()
    birth = _date(value, int(value[0:4]), int(value[4:6]), int(value[6:8]))
    if birth.year < _OLDEST_BIRTH_YEAR or birth > today:
        raise errors.nip_invalid(
            value,
            "birth_date",
            _("NIP %(nip)s is not valid: the birth date %(value)s is not plausible."),
            {"value": birth.isoformat()},
        )
    is_pppk = employee_type == "pppk"
    if is_pppk:
        tmt = _pppk_tmt(value)
    else:
        month = int(value[12:14])
        if not 1 <= month <= 12:
            raise errors.nip_invalid(
                value,
                "tmt_month",
                _(
                    "NIP %(nip)s is not valid: digits 9-14 (%(value)s) must be the "
                    "TMT year and month, and %(month)s is not a month."
                ),
                {"value": value[8:14], "month": value[12:14]},
            )
        tmt = dt.date(int(value[8:12]), month, 1)
    earliest = (birth.year + MIN_AGE_AT_TMT) * 12 + birth.month - 1
    if tmt.year * 12 + tmt.month - 1 < earliest:
        raise errors.nip_invalid(
            value,
            "tmt_early",
            _(
                "NIP %(nip)s is not valid: the TMT %(tmt)s is less than %(age)s "
                "years after the birth date %(birth)s."
            ),
            {
                "tmt": value[8:12] if is_pppk else f"{value[8:12]}-{value[12:14]}",
                "age": MIN_AGE_AT_TMT,
                "birth": birth.isoformat(),
            },
        )
    latest = dt.date(today.year, 1 if is_pppk else today.month, 1)
    if tmt > latest:
        raise errors.nip_invalid(
            value,
            "tmt_future",
            _("NIP %(nip)s is not valid: the TMT %(tmt)s is in the future."),
            {"tmt": value[8:12] if is_pppk else f"{value[8:12]}-{value[12:14]}"},
        )
    sex_digit = value[14]
    if sex_digit not in "12":
        raise errors.nip_invalid(
            value,
            "sex",
            _(
                "NIP %(nip)s is not valid: digit 15 (%(value)s) must be 1 (male) "
                "or 2 (female)."
            ),
            {"value": sex_digit},
        )
    serial = int(value[15:18])
    if serial == 0:
        raise errors.nip_invalid(
            value,
            "serial",
            _(
                "NIP %(nip)s is not valid: the serial number (digits 16-18) must "
                "be 001 to 999."
            ),
        )
    return NipInfo(
        nip=value,
        birth_date=birth,
        tmt=tmt,
        sex="L" if sex_digit == "1" else "P",
        serial=serial,
        is_pppk=is_pppk,
    )


def _pppk_tmt(value: str) -> dt.date:
    if value[12] != "2":
        raise errors.nip_invalid(
            value,
            "pppk_marker",
            _(
                "NIP %(nip)s is not valid for PPPK: digit 13 must be 2 (the PPPK "
                "marker), not %(value)s."
            ),
            {"value": value[12]},
        )
    if value[13] == "0":
        raise errors.nip_invalid(
            value,
            "pppk_frequency",
            _(
                "NIP %(nip)s is not valid for PPPK: digit 14 (the appointment "
                "count) must be 1 to 9."
            ),
        )
    return dt.date(int(value[8:12]), 1, 1)
