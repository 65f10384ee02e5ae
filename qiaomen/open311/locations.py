"""Where an Open311 request is: a household or a building of the street, when we can tell.

The client gives coordinates (lat/long, WGS84), an address as a person typed it
(address_string) or an address id. We try, in this order:

1. the address (address_string, then address_id read as an address) folded with
   `places.addresses.address_key`, exactly equal to a household's key → that household;
2. the same folded address starting with a building's key (和平路12号3栋 + anything) → that building;
3. the building nearest to lat/long within MATCH_RADIUS_M metres → that building.

A household gives the ticket its household and grid, a building its grid only. Nothing found:
the ticket has neither, and the department reads the address in the request. A key of one street
matches only that street's buildings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import QuerySet

from qiaomen.core.geo import distance_m
from qiaomen.places.addresses import address_key
from qiaomen.places.models import Building, Grid, Street
from qiaomen.registry.models import Household

MATCH_RADIUS_M = 60.0
_METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class Place:
    household: Household | None = None
    building: Building | None = None

    @property
    def grid(self) -> Grid | None:
        if self.household is not None:
            return self.household.building.grid
        return self.building.grid if self.building is not None else None


def _buildings(street: Street | None) -> QuerySet[Building]:
    buildings = Building.objects.select_related("grid")
    return buildings.filter(grid__community__street=street) if street is not None else buildings


def _street_names(street: Street | None) -> tuple[str, ...]:
    """What address_key drops from the front: the city and the street's name, as people write
    them before the road (示例市示例区幸福街道和平路12号…)."""
    streets = [street] if street is not None else list(Street.objects.all())
    return tuple(name for s in streets for name in (s.city, s.name) if name)


def place_by_address(text: str, *, street: Street | None) -> Place | None:
    key = address_key(text, street_names=_street_names(street))
    if not key:
        return None
    buildings = _buildings(street)
    household = (
        Household.objects.select_related("building__grid").filter(address_key=key, building__in=buildings).first()
    )
    if household is not None:
        return Place(household=household)
    # Every prefix of the key that ends a building (…栋): the longest that is a building wins.
    prefixes = [key[: i + 1] for i, char in enumerate(key) if char == "栋"]
    matches = {b.address_key: b for b in buildings.filter(address_key__in=prefixes)}
    for prefix in reversed(prefixes):
        if prefix in matches:
            return Place(building=matches[prefix])
    return None


def place_by_coordinates(lat: float, lng: float, *, street: Street | None) -> Place | None:
    """The nearest building within MATCH_RADIUS_M; the box around the point keeps the candidates few."""
    d_lat = MATCH_RADIUS_M / _METRES_PER_DEGREE_LAT
    d_lng = MATCH_RADIUS_M / (_METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    candidates = _buildings(street).filter(lat__range=(lat - d_lat, lat + d_lat), lng__range=(lng - d_lng, lng + d_lng))
    best: tuple[float, Building] | None = None
    for building in candidates:
        assert building.lat is not None and building.lng is not None  # the range excludes nulls
        distance = distance_m((lat, lng), (building.lat, building.lng))
        if distance <= MATCH_RADIUS_M and (best is None or distance < best[0]):
            best = (distance, building)
    return Place(building=best[1]) if best else None


def place_for(
    *, lat: float | None, lng: float | None, address_string: str, address_id: str, street: Street | None
) -> Place:
    for text in (address_string, address_id):
        if text and (place := place_by_address(text, street=street)):
            return place
    if lat is not None and lng is not None and (place := place_by_coordinates(lat, lng, street=street)):
        return place
    return Place()
