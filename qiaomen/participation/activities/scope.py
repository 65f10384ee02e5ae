"""Which meetings, activities and groups a user sees: one lookup helper per record type, each a
404 outside the user's places.

A record of a whole community (no grid or building) is seen by everybody who sees any grid of
that community; the households behind it (attendees, sign-ups, members) are always filtered by
the registry's own scope, so a grid worker sees only their grid's households at a community's
activity.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import EMPTY_SCOPE, PlaceScope, place_scope
from qiaomen.participation.models.activities import Activity, Meeting, MeetingDecision, ResidentGroup
from qiaomen.places.models import Building, Community, Grid


def scope_community_ids(scope: PlaceScope) -> set[int]:
    """The communities a scope reaches: those of its grids and of its buildings."""
    ids = set(Grid.objects.filter(pk__in=scope.all_grid_ids).values_list("community_id", flat=True))
    if scope.building_ids:
        ids.update(Building.objects.filter(pk__in=scope.building_ids).values_list("grid__community_id", flat=True))
    return ids


def _viewing_scope(user: User) -> PlaceScope | None:
    if not user.is_authenticated or not user.can(Capability.VIEW_ACTIVITIES):
        return None
    scope = place_scope(user)
    return None if scope.is_empty else scope


def activities_in_scope(scope: PlaceScope) -> QuerySet[Activity]:
    whole_community = Q(building__isnull=True, community_id__in=sorted(scope_community_ids(scope)))
    in_building = Q(building__in=Building.objects.filter(scope.building_q()))
    return Activity.objects.filter(in_building | whole_community)


def meetings_in_scope(scope: PlaceScope) -> QuerySet[Meeting]:
    whole_community = Q(grid__isnull=True, community_id__in=sorted(scope_community_ids(scope)))
    return Meeting.objects.filter(Q(grid_id__in=sorted(scope.all_grid_ids)) | whole_community)


def groups_in_scope(scope: PlaceScope) -> QuerySet[ResidentGroup]:
    return ResidentGroup.objects.filter(community_id__in=sorted(scope_community_ids(scope)))


def activities_for_user(user: User) -> QuerySet[Activity]:
    scope = _viewing_scope(user)
    return Activity.objects.none() if scope is None else activities_in_scope(scope)


def meetings_for_user(user: User) -> QuerySet[Meeting]:
    scope = _viewing_scope(user)
    return Meeting.objects.none() if scope is None else meetings_in_scope(scope)


def groups_for_user(user: User) -> QuerySet[ResidentGroup]:
    scope = _viewing_scope(user)
    return ResidentGroup.objects.none() if scope is None else groups_in_scope(scope)


def activity_for_user(user: User, pk: int) -> Activity:
    activity = activities_for_user(user).select_related("community", "building", "group").filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def meeting_for_user(user: User, pk: int) -> Meeting:
    meeting = meetings_for_user(user).select_related("community", "grid", "group").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def group_for_user(user: User, pk: int) -> ResidentGroup:
    group = groups_for_user(user).select_related("community").filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


def decision_for_user(user: User, pk: int) -> MeetingDecision:
    decision = (
        MeetingDecision.objects.select_related("meeting__community", "meeting__grid", "ticket")
        .filter(pk=pk, meeting__in=meetings_for_user(user))
        .first()
    )
    if decision is None:
        raise Http404
    return decision


@dataclass(frozen=True)
class OrganiserPlaces:
    """The places a user may choose on the participation forms."""

    communities: QuerySet[Community]
    grids: QuerySet[Grid]
    buildings: QuerySet[Building]
    groups: QuerySet[ResidentGroup]


def organiser_places(user: User) -> OrganiserPlaces:
    scope = place_scope(user) if user.can(Capability.MANAGE_ACTIVITIES) else EMPTY_SCOPE
    return OrganiserPlaces(
        communities=Community.objects.filter(pk__in=sorted(scope_community_ids(scope))),
        grids=Grid.objects.filter(pk__in=sorted(scope.all_grid_ids)),
        buildings=Building.objects.filter(scope.building_q()).select_related("grid"),
        groups=groups_in_scope(scope),
    )
