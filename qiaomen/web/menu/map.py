"""What the service-point map draws, through json_script: the user's buildings (covered or not)
and the points of their communities with their timetable."""

from __future__ import annotations

from typing import Any

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.participation.menu.coverage import RADIUS_M
from qiaomen.participation.menu.selectors import CoverageTable
from qiaomen.participation.models.menu import ServicePoint
from qiaomen.places.models import Building


def points_map(*, scope: PlaceScope, points: list[ServicePoint], table: CoverageTable) -> dict[str, Any]:
    uncovered = {pk for row in table.rows for pk in row.addresses}
    buildings = Building.objects.filter(scope.building_q(), lat__isnull=False, lng__isnull=False)
    return {
        "radius": RADIUS_M,
        # [lat, lng, uncovered (households beyond the radius of any open point), address]
        "buildings": [
            [lat, lng, pk in uncovered, address]
            for pk, lat, lng, address in buildings.values_list("pk", "lat", "lng", "address")
        ],
        "points": [
            {
                "lat": point.lat,
                "lng": point.lng,
                "name": point.name,
                "kind": point.kind,
                "hours": f"{point.weekdays} {point.opens_at:%H:%M}–{point.closes_at:%H:%M}",
            }
            for point in points
        ],
    }
