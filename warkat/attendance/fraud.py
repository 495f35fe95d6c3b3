"""Signs that a check-in's position may be faked or wrong. Each sign becomes a flag
with its reason; a superior decides (nothing is silently trusted or dropped)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from warkat.attendance.geo import distance_m
from warkat.attendance.models import AttendanceSettings, CheckIn

#: code → the reason shown to the person and the reviewer.
FLAG_TEXT = {
    "outside": _("Outside every allowed place (%(distance)s m from %(place)s)."),
    "no_place": _("No work location is set for this person's unit."),
    "inaccurate": _(
        "Position accuracy %(accuracy)s m is worse than the place's radius %(radius)s m."
    ),
    "travel": _(
        "Impossible travel: %(distance)s km in %(minutes)s minutes since the previous record."
    ),
    "repeated": _("Exactly the same coordinates as on %(days)s earlier days."),
    "too_perfect": _("Accuracy of %(accuracy)s m is too perfect for a phone."),
    "offline_gap": _("Sent %(minutes)s minutes after the phone's time (offline)."),
}


def flag(code: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "params": params}


def flag_text(item: dict[str, Any]) -> str:
    text = FLAG_TEXT.get(item.get("code", ""))
    if text is None:
        return str(item.get("code", ""))
    try:
        return str(text) % {k: str(v) for k, v in item.get("params", {}).items()}
    except (KeyError, TypeError, ValueError):
        return str(item.get("code"))


def travel_flag(
    *,
    previous: CheckIn | None,
    lat: float,
    lon: float,
    accuracy: float | None,
    at: dt.datetime,
    settings: AttendanceSettings,
) -> dict[str, Any] | None:
    """Faster than ``max_speed_kmh`` from the previous record (its and this record's
    accuracy given the benefit of the doubt)."""
    if previous is None or previous.latitude is None or previous.longitude is None:
        return None
    slack = (accuracy or 0) + (previous.accuracy_m or 0)
    d = distance_m(float(previous.latitude), float(previous.longitude), lat, lon)
    d = max(0.0, d - slack)
    if d < 1000:
        return None
    hours = abs((at - previous.at).total_seconds()) / 3600
    speed = d / 1000 / hours if hours > 0 else float("inf")
    if speed <= settings.max_speed_kmh:
        return None
    return flag("travel", distance=round(d / 1000, 1), minutes=round(hours * 60))


def repeated_flag(
    *,
    person_id: int,
    day: dt.date,
    lat: Decimal,
    lon: Decimal,
    settings: AttendanceSettings,
) -> dict[str, Any] | None:
    """The identical coordinates (to 6 decimals, ~10 cm) on several earlier days:
    a real receiver never lands on the same point twice."""
    if not settings.repeat_days:
        return None
    days = (
        CheckIn.objects.filter(
            person_id=person_id, latitude=lat, longitude=lon, day__lt=day
        )
        .values("day")
        .distinct()
        .count()
    )
    return flag("repeated", days=days) if days >= settings.repeat_days else None


def accuracy_flag(
    accuracy: float | None, settings: AttendanceSettings
) -> dict[str, Any] | None:
    if accuracy is None or accuracy >= float(settings.suspicious_accuracy_m):
        return None
    return flag("too_perfect", accuracy=accuracy)


def offline_gap_flag(
    *, recorded_at: dt.datetime, device_at: dt.datetime, settings: AttendanceSettings
) -> dict[str, Any] | None:
    minutes = (recorded_at - device_at).total_seconds() / 60
    if minutes <= settings.offline_gap_min:
        return None
    return flag("offline_gap", minutes=round(minutes))
