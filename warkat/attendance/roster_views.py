"""The shift roster pages: a month grid (people x days) of a unit that works in
shifts, edited by the unit's head or the personnel office, with a CSV import
that names every bad row; everyone sees their own roster of the month."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from warkat.attendance import errors, roster
from warkat.attendance.schedule import local_today
from warkat.core.errors import DomainError
from warkat.core.http import tenant_view
from warkat.org.models import Unit
from warkat.org.selectors import current_positions, unit_find

#: Largest CSV accepted (a month of a large hospital is well below).
MAX_CSV = 2 * 1024 * 1024
OFF = "-"


def _month(raw: str, today: dt.date) -> tuple[dt.date, dt.date]:
    try:
        first = dt.date.fromisoformat(f"{raw}-01") if raw else today.replace(day=1)
    except ValueError as exc:
        raise errors.month_invalid() from exc
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def _unit(actor: Any, raw: str) -> Unit | None:
    if raw.isdigit():
        unit = unit_find(unit_id=int(raw))
        if unit is None:
            raise errors.unit_not_found()
        return unit
    if actor.person_id:
        held = current_positions(person_ids={actor.person_id})[actor.person_id]
        return held[0].position.unit if held else None
    return None


def problem_text(problem: str) -> str:
    return {
        "person": _("unknown NIP, or not a person of this unit"),
        "shift": _("unknown shift"),
        "duplicate": _("the same person and day twice"),
        "date": _("the date is not YYYY-MM-DD"),
        "columns": _("expected three columns: NIP, date, shift"),
    }.get(problem, problem)


def _csv_rows(data: bytes) -> tuple[list[roster.RosterRow], list[int], list[dict]]:
    """CSV (NIP, date, shift; a header line is skipped) → rows, their line
    numbers and the lines that could not be read."""
    text = data.decode("utf-8-sig", errors="replace")
    dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
    rows, lines, problems = [], [], []
    for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in ("nip", "person", "pegawai"):
            continue
        if len(cells) < 3:
            problems.append({"row": number, "problem": "columns"})
            continue
        try:
            day = dt.date.fromisoformat(cells[1])
        except ValueError:
            problems.append({"row": number, "problem": "date"})
            continue
        shift = "" if cells[2] in (OFF, "") else cells[2]
        rows.append(roster.RosterRow(day=day, shift=shift, nip=cells[0]))
        lines.append(number)
    return rows, lines, problems


def _import(request: HttpRequest, unit: Unit | None) -> list[dict]:
    """The CSV import: every bad line, or nothing written."""
    upload = request.FILES.get("file")
    if upload is None or not upload.size or upload.size > MAX_CSV:
        raise errors.roster_invalid(0)
    rows, lines, problems = _csv_rows(upload.read())
    if not rows and not problems:
        raise errors.roster_invalid(0)
    found = roster.roster_problems(actor=request.user, rows=rows, unit=unit)
    problems += [{"row": lines[p["row"] - 1], "problem": p["problem"]} for p in found]
    if problems:
        return sorted(problems, key=lambda p: p["row"])
    count = roster.roster_import(actor=request.user, rows=rows, unit=unit)
    messages.success(request, _("%(count)s roster rows imported.") % {"count": count})
    return []


def _cell(entries: dict[tuple[int, dt.date], Any], person_id: int, day: dt.date) -> str:
    """A grid cell's value: "" (the unit's hours), "-" (a day off) or a shift."""
    if (person_id, day) not in entries:
        return ""
    shift = entries[(person_id, day)]
    return shift.name if shift is not None else OFF


def _save_grid(request: HttpRequest, unit: Unit, first: dt.date, last: dt.date) -> None:
    """The grid's changed cells: a shift, a day off ("-") or the unit's hours ("")."""
    people, entries = roster.roster_month(unit=unit, first=first, last=last)
    rows, clear = [], []
    for person in people:
        for offset in range((last - first).days + 1):
            day = first + dt.timedelta(days=offset)
            value = request.POST.get(f"c-{person.pk}-{day.isoformat()}")
            if value is None or value == _cell(entries, person.pk, day):
                continue
            if value == "":
                clear.append((person.pk, day))
            else:
                shift = "" if value == OFF else value
                rows.append(roster.RosterRow(day=day, shift=shift, person_id=person.pk))
    if rows or clear:
        roster.roster_import(actor=request.user, rows=rows, unit=unit, clear=clear)
    messages.success(request, _("Roster saved."))


@tenant_view
@require_http_methods(["GET", "POST"])
def roster_page(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    params = request.POST if request.method == "POST" else request.GET
    month_raw = params.get("month", "")
    first, last = _month(month_raw, local_today(tenant))
    unit = _unit(request.user, params.get("unit", ""))
    if params.get("unit") and unit is not None:
        roster.roster_editor(request.user, unit)  # 403 for others' units
    editable = unit is not None and roster.may_edit_roster(request.user, unit)
    problems: list[dict] = []
    if request.method == "POST":
        if not editable or unit is None:
            raise errors.forbidden()
        try:
            if request.POST.get("action") == "import":
                problems = _import(request, unit)
            else:
                _save_grid(request, unit, first, last)
        except DomainError as exc:
            messages.error(request, exc.text())
            problems = list(exc.details)
        if not problems:
            return redirect(
                f"{reverse('attendance:roster')}?unit={unit.pk}&month={first:%Y-%m}"
            )
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    grid = []
    shifts = []
    if editable and unit is not None:
        people, entries = roster.roster_month(unit=unit, first=first, last=last)
        shifts = roster.shifts_for(unit)
        for person in people:
            cells = [(day, _cell(entries, person.pk, day)) for day in days]
            grid.append((person, cells))
    own = getattr(request.user, "person", None)
    mine = roster.roster_of(person=own, first=first, last=last) if own else []
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "attendance/roster.html",
        {
            "unit": unit,
            "editable": editable,
            "month": f"{first:%Y-%m}",
            "previous": f"{previous:%Y-%m}",
            "next": f"{last + dt.timedelta(days=1):%Y-%m}",
            "first": first,
            "days": days,
            "grid": grid,
            "shifts": shifts,
            "off": OFF,
            "mine": mine,
            "problems": [(p["row"], problem_text(p["problem"])) for p in problems],
        },
    )
