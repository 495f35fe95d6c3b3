"""Distances on the earth's surface and which allowed place a position falls in."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    latitude: float
    longitude: float
    radius_m: int


def nearest(
    lat: float, lon: float, places: Iterable[Place]
) -> tuple[Place | None, float | None]:
    """The nearest place and its distance (None, None when there are none)."""
    best: Place | None = None
    best_d: float | None = None
    for place in places:
        d = distance_m(lat, lon, place.latitude, place.longitude)
        if best_d is None or d < best_d:
            best, best_d = place, d
    return best, best_d


def valid_coordinates(lat: float, lon: float, accuracy: float | None) -> bool:
    finite = all(math.isfinite(v) for v in (lat, lon))
    if not finite or not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        return False
    # Exactly 0,0 is the "null island" of a broken receiver, never an office.
    if lat == 0 and lon == 0:
        return False
    return accuracy is None or (math.isfinite(accuracy) and 0 <= accuracy <= 100_000)
