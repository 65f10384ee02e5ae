"""The places a user may see, for the place tree and the API."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from qiaomen.accounts.models import User
from qiaomen.accounts.scopes import place_scope
from qiaomen.places.models import Building, Community, Grid, Street


def buildings_for_user(user: User) -> QuerySet[Building]:
    return Building.objects.filter(place_scope(user).building_q())


def grids_for_user(user: User) -> QuerySet[Grid]:
    """Grids the user sees whole, plus grids that hold a building assigned to them."""
    scope = place_scope(user)
    if scope.is_empty:
        return Grid.objects.none()
    q = (
        Q(pk__in=scope.grid_ids)
        | Q(community_id__in=scope.community_ids)
        | Q(community__street_id__in=scope.street_ids)
    )
    if scope.building_ids:
        q |= Q(buildings__id__in=scope.building_ids)
    return Grid.objects.filter(q).distinct()


def grid_for_user(user: User, pk: int) -> Grid:
    """One grid the user may see; outside their places it does not exist for them (404)."""
    grid = grids_for_user(user).select_related("community__street").filter(pk=pk).first()
    if grid is None:
        raise Http404
    return grid


def building_for_user(user: User, pk: int) -> Building:
    """One building the user may see; outside their places it does not exist for them (404)."""
    building = buildings_for_user(user).select_related("grid").filter(pk=pk).first()
    if building is None:
        raise Http404
    return building


def grid_buildings_for_user(user: User, grid: Grid) -> QuerySet[Building]:
    """The grid's buildings the user may see (a building chief: only their own), with household counts."""
    return (
        buildings_for_user(user).filter(grid=grid).annotate(household_count=Count("households")).order_by("address_key")
    )


def communities_for_user(user: User) -> QuerySet[Community]:
    return Community.objects.filter(pk__in=grids_for_user(user).values("community_id"))


def streets_for_user(user: User) -> QuerySet[Street]:
    return Street.objects.filter(pk__in=communities_for_user(user).values("street_id"))


def place_tree_for_user(user: User) -> list[dict[str, object]]:
    """Street → community → grid with household counts, limited to what the user may see.

    Three queries whatever the size of the street; counts come from one grouped query.
    """
    from qiaomen.registry.selectors import households_for_user

    grids = list(
        grids_for_user(user)
        .select_related("community__street")
        .order_by("community__street__code", "community__code", "code")
    )
    counts = dict(
        households_for_user(user)
        .values("building__grid_id")
        .annotate(n=Count("id"))
        .values_list("building__grid_id", "n")
    )
    building_counts = dict(
        buildings_for_user(user).values("grid_id").annotate(n=Count("id")).values_list("grid_id", "n")
    )
    tree: list[dict[str, object]] = []
    streets: dict[int, dict[str, object]] = {}
    communities: dict[int, dict[str, object]] = {}
    for grid in grids:
        community = grid.community
        street = community.street
        if street.pk not in streets:
            streets[street.pk] = {"street": street, "communities": [], "households": 0}
            tree.append(streets[street.pk])
        if community.pk not in communities:
            communities[community.pk] = {"community": community, "grids": [], "households": 0}
            streets[street.pk]["communities"].append(communities[community.pk])  # type: ignore[attr-defined]
        households = counts.get(grid.pk, 0)
        communities[community.pk]["grids"].append(  # type: ignore[attr-defined]
            {"grid": grid, "households": households, "buildings": building_counts.get(grid.pk, 0)}
        )
        communities[community.pk]["households"] += households  # type: ignore[operator]
        streets[street.pk]["households"] += households  # type: ignore[operator]
    return tree
