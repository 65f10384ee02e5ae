"""Street → community → grid with household and building counts, as far as the user may see."""

from __future__ import annotations

from django.db.models import Count

from qiaomen.accounts.models import User
from qiaomen.accounts.places import buildings_for_user, grids_for_user
from qiaomen.registry.selectors import households_for_user


def place_tree_for_user(user: User) -> list[dict[str, object]]:
    """Street → community → grid with household counts, limited to what the user may see.

    Three queries whatever the size of the street; counts come from one grouped query.
    """
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
