"""Which partners, menu entries and service points a user sees: deny by default.

A user with VIEW_MENU sees what concerns the places they see: the partners of their communities
and the street-wide partners of their streets, those partners' menu entries, and the service
points of their communities. One lookup helper per record type answers 404 outside that.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import PlaceScope, place_scope
from qiaomen.participation.models.menu import MenuEntry, Partner, ServicePoint
from qiaomen.places.models import Grid


@dataclass(frozen=True)
class MenuPlaces:
    """The communities and streets a scope reaches (its grids' and buildings')."""

    community_ids: frozenset[int]
    street_ids: frozenset[int]


def menu_places(scope: PlaceScope) -> MenuPlaces:
    if scope.is_empty:
        return MenuPlaces(frozenset(), frozenset())
    grids = Grid.objects.filter(Q(pk__in=sorted(scope.all_grid_ids)) | Q(buildings__in=sorted(scope.building_ids)))
    rows = set(grids.values_list("community_id", "community__street_id"))
    return MenuPlaces(frozenset(c for c, _ in rows), frozenset(s for _, s in rows))


def _menu_scope(user: User) -> PlaceScope | None:
    if not user.is_authenticated or not user.can(Capability.VIEW_MENU):
        return None
    return place_scope(user)


def partners_in(scope: PlaceScope) -> QuerySet[Partner]:
    places = menu_places(scope)
    return Partner.objects.filter(
        Q(community_id__in=sorted(places.community_ids))
        | Q(community__isnull=True, street_id__in=sorted(places.street_ids))
    )


def partners_for_user(user: User) -> QuerySet[Partner]:
    scope = _menu_scope(user)
    return Partner.objects.none() if scope is None else partners_in(scope)


def partner_for_user(user: User, pk: int) -> Partner:
    partner = partners_for_user(user).select_related("department", "community").filter(pk=pk).first()
    if partner is None:
        raise Http404
    return partner


def entries_in(scope: PlaceScope) -> QuerySet[MenuEntry]:
    return MenuEntry.objects.filter(partner__in=partners_in(scope))


def entries_for_user(user: User) -> QuerySet[MenuEntry]:
    scope = _menu_scope(user)
    return MenuEntry.objects.none() if scope is None else entries_in(scope)


def entry_for_user(user: User, pk: int) -> MenuEntry:
    entry = entries_for_user(user).select_related("partner__department", "subcategory").filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def points_in(scope: PlaceScope) -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(community_id__in=sorted(menu_places(scope).community_ids))


def points_for_user(user: User) -> QuerySet[ServicePoint]:
    scope = _menu_scope(user)
    return ServicePoint.objects.none() if scope is None else points_in(scope)


def point_for_user(user: User, pk: int) -> ServicePoint:
    point = points_for_user(user).select_related("community", "building").filter(pk=pk).first()
    if point is None:
        raise Http404
    return point
