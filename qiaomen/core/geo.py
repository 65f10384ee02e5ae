"""Distances on the ground: the one great-circle distance every part uses (check-ins, the
nearest building of an Open311 request, walking orders)."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8

Point = tuple[float, float]  # (lat, lng) in degrees


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres (haversine)."""
    lat1, lng1, lat2, lng2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
