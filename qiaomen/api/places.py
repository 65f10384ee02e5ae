"""The user's places: street → community → grid with household counts; a grid's buildings on request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from qiaomen.accounts.places import grid_buildings_for_user, grid_for_user
from qiaomen.api.auth import api_user
from qiaomen.api.errors import responses
from qiaomen.places.models import Building, Community, Grid, Street
from qiaomen.registry.place_tree import place_tree_for_user


class BuildingNodeOut(Schema):
    id: int
    name: str
    address: str
    lat: float | None
    lng: float | None
    households: int


class GridNodeOut(Schema):
    id: int
    name: str
    code: str
    households: int
    building_count: int
    # Only for the grid named by ?grid=: a street's buildings would make the tree too heavy.
    buildings: list[BuildingNodeOut] | None = None


class CommunityNodeOut(Schema):
    id: int
    name: str
    code: str
    households: int
    grids: list[GridNodeOut]


class StreetNodeOut(Schema):
    id: int
    name: str
    code: str
    households: int
    communities: list[CommunityNodeOut]


class PlaceTreeOut(Schema):
    streets: list[StreetNodeOut]


class PlaceTreeQuery(Schema):
    grid: int | None = Field(None, ge=1, description="also list the buildings of this grid")


router = Router(tags=["places"])


def _building_node(building: Building) -> dict[str, Any]:
    return {
        "id": building.pk,
        "name": building.name,
        "address": building.address,
        "lat": building.lat,
        "lng": building.lng,
        "households": building.household_count,  # type: ignore[attr-defined]
    }


def _place(place: Street | Community | Grid, **extra: Any) -> dict[str, Any]:
    return {"id": place.pk, "name": place.name, "code": place.code, **extra}


@router.get("/places", response=responses(PlaceTreeOut, 401, 404, 422), url_name="places")
def place_tree(request: HttpRequest, query: Query[PlaceTreeQuery]) -> dict[str, Any]:
    """The places the caller may see. A grid outside them answers 404, as if it did not exist."""
    user = api_user(request)
    buildings: dict[int, list[dict[str, Any]]] = {}
    if query.grid is not None:
        grid = grid_for_user(user, query.grid)
        buildings[grid.pk] = [_building_node(b) for b in grid_buildings_for_user(user, grid)]
    tree: list[dict[str, Any]] = place_tree_for_user(user)
    return {
        "streets": [
            _place(
                s["street"],
                households=s["households"],
                communities=[
                    _place(
                        c["community"],
                        households=c["households"],
                        grids=[
                            _place(
                                g["grid"],
                                households=g["households"],
                                building_count=g["buildings"],
                                buildings=buildings.get(g["grid"].pk),
                            )
                            for g in c["grids"]
                        ],
                    )
                    for c in s["communities"]
                ],
            )
            for s in tree
        ]
    }
