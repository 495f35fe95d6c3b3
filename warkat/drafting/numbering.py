"""Letter numbers: formats built from parts, and gap-free allocation from counters.

A format is text with parts in braces, e.g. ``{klasifikasi}/{nomor}/{unit}/{bulan_romawi}/{tahun}``.
``{nomor}`` (the sequence, optionally zero-padded: ``{nomor:3}``) must appear exactly
once. Allocation locks the (tenant, unit, type, year) counter row inside the caller's
transaction; a rollback gives the number back, so the register never has a gap.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from warkat.core.memo import per_action
from warkat.drafting.errors import number_format_invalid
from warkat.drafting.models import NaskahType, NumberCounter, NumberFormat
from warkat.org.models import Unit

DEFAULT_PATTERN = "{klasifikasi}/{nomor}/{unit}/{bulan_romawi}/{tahun}"

PARTS = {
    "klasifikasi": _("classification code"),
    "nomor": _("sequence number"),
    "unit": _("unit code"),
    "bulan_romawi": _("month in Roman numerals"),
    "bulan": _("month (two digits)"),
    "tahun": _("year"),
    "kode_keamanan": _("security code (B, T, R, SR)"),
}
SECURITY_CODES = {"biasa": "B", "terbatas": "T", "rahasia": "R", "sangat_rahasia": "SR"}
ROMAN_MONTHS = (
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
)

_TOKEN = re.compile(r"\{([^{}]*)\}")
_FIXED_ALLOWED = re.compile(r"^[A-Za-z0-9./\-_ ]*$")


def roman_month(month: int) -> str:
    return ROMAN_MONTHS[month - 1]


@dataclass(frozen=True)
class Part:
    name: str  # "" for fixed text
    text: str = ""
    padding: int = 0


def pattern_parse(pattern: str) -> list[Part]:
    """Split ``pattern`` into parts; raises a ValidationError naming what is wrong."""
    if not pattern.strip():
        raise number_format_invalid(_("it is empty"))
    if len(pattern) > 200:
        raise number_format_invalid(_("it is longer than 200 characters"))
    parts: list[Part] = []
    pos = 0
    for match in _TOKEN.finditer(pattern):
        if match.start() > pos:
            parts.append(_fixed(pattern[pos : match.start()]))
        name, _sep, pad = match.group(1).partition(":")
        if name not in PARTS:
            raise number_format_invalid(
                _("unknown part {%(name)s}") % {"name": name}  # type: ignore[operator]
            )
        padding = 0
        if pad:
            if name != "nomor" or not pad.isdigit() or not 1 <= int(pad) <= 8:
                raise number_format_invalid(
                    _("only {nomor} takes a width of 1 to 8 digits")
                )
            padding = int(pad)
        parts.append(Part(name=name, padding=padding))
        pos = match.end()
    if pos < len(pattern):
        parts.append(_fixed(pattern[pos:]))
    if sum(1 for p in parts if p.name == "nomor") != 1:
        raise number_format_invalid(_("it must contain {nomor} exactly once"))
    return parts


def _fixed(text: str) -> Part:
    if "{" in text or "}" in text or not _FIXED_ALLOWED.match(text):
        raise number_format_invalid(
            _("fixed text may use letters, digits, spaces and . / - _ only")
        )
    return Part(name="", text=text)


@dataclass(frozen=True)
class NumberContext:
    sequence: int
    classification: str
    unit_code: str
    date: dt.date
    security: str


def number_render(parts: list[Part], ctx: NumberContext) -> str:
    values: dict[str, str] = {
        "nomor": "",
        "klasifikasi": ctx.classification,
        "unit": ctx.unit_code,
        "bulan_romawi": roman_month(ctx.date.month),
        "bulan": f"{ctx.date.month:02d}",
        "tahun": f"{ctx.date.year}",
        "kode_keamanan": SECURITY_CODES.get(ctx.security, "B"),
    }
    out: list[str] = []
    for part in parts:
        if not part.name:
            out.append(part.text)
        elif part.name == "nomor":
            out.append(
                str(ctx.sequence).zfill(part.padding)
                if part.padding
                else str(ctx.sequence)
            )
        else:
            out.append(values[part.name])
    # A part left empty (no classification) must not leave a doubled separator.
    return re.sub(r"/{2,}", "/", "".join(out)).strip("/")


@per_action  # once per batch of letters (``core.memo``)
def pattern_for(naskah_type: NaskahType) -> str:
    """The type's own format, else the tenant default, else the built-in default."""
    rows = {
        f.naskah_type_id: f.pattern
        for f in NumberFormat.objects.filter(
            naskah_type__in=[naskah_type.pk, None]
        ).only("naskah_type_id", "pattern")
    }
    return rows.get(naskah_type.pk) or rows.get(None) or DEFAULT_PATTERN


def counter_next(*, tenant: Any, unit: Unit, naskah_type: NaskahType, year: int) -> int:
    """Take the next sequence. Must run inside the caller's transaction: the counter
    row stays locked until it commits or rolls back."""
    counters = NumberCounter.objects.select_for_update().filter(
        unit=unit, naskah_type=naskah_type, year=year
    )
    counter = counters.first()
    if counter is None:
        # First number of the year: create the row without failing when another
        # transaction creates it at the same moment, then lock it.
        NumberCounter.objects.bulk_create(
            [
                NumberCounter(
                    tenant=tenant, unit=unit, naskah_type=naskah_type, year=year
                )
            ],
            ignore_conflicts=True,
        )
        counter = counters.get()
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number
