"""The places a user may see (their scope), for pages, forms and the API; outside them a place
does not exist for the user (404). The place tree with household counts is registry.place_tree."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from qiaomen.accounts.models import User
from qiaomen.accounts.scopes import grids_q, place_scope
from qiaomen.places.models import Building, Community, Grid, Street


def buildings_for_user(user: User) -> QuerySet[Building]:
    return Building.objects.filter(place_scope(user).building_q())


def grids_for_user(user: User) -> QuerySet[Grid]:
    """Grids the user sees whole, plus grids that hold a building assigned to them."""
    scope = place_scope(user)
    if scope.is_empty:
        return Grid.objects.none()
    q = grids_q(streets=scope.street_ids, communities=scope.community_ids, grids=scope.grid_ids)
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


def staff_serving_grids(grid_ids: set[int] | frozenset[int], roles: tuple[str, ...]) -> QuerySet[User]:
    """Active accounts of these roles placed on one of the grids, or on its community or street
    (who may be told of what happens there): the choices of a form that names responders."""
    grids = sorted(grid_ids)
    placed = (
        Q(places__grid_id__in=grids)
        | Q(places__community__grids__in=grids)
        | Q(places__street__communities__grids__in=grids)
    )
    return User.objects.filter(placed, is_active=True, role__in=roles).distinct()
