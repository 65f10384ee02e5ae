"""Whose accounts a manager sees, and which places they may hand out (SECURITY line 18).

A manager sees an account when every place of that account lies within the manager's own places
(so community staff never reach a grid worker of another community), and when the account's role
is one they keep or grant. The system and security admins, who act for the whole street, also see
the accounts that have no place (new accounts, departments, the other admins). Outside this, an
account does not exist for the manager (404). A manager without any place sees nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from qiaomen.accounts.models import PlaceAssignment, User
from qiaomen.accounts.roles import ACCOUNT_KEEPERS, GRANTABLE_ROLES, Capability, Role
from qiaomen.accounts.scopes import Place, PlaceScope, management_scope
from qiaomen.places.models import Building, Community, Grid, Street

# Roles that act for the whole street's accounts, whatever role those accounts hold.
STREET_WIDE_KEEPERS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})


def _communities_of(scope: PlaceScope) -> frozenset[int]:
    """The communities a scope covers whole: assigned ones and those of its streets."""
    if not scope.street_ids:
        return scope.community_ids
    under_streets = Community.objects.filter(street_id__in=scope.street_ids).values_list("pk", flat=True)
    return scope.community_ids | frozenset(under_streets)


def _assignments_within(scope: PlaceScope) -> Q:
    """PlaceAssignment rows whose place lies within `scope`."""
    return (
        Q(street_id__in=scope.street_ids)
        | Q(community_id__in=_communities_of(scope))
        | Q(grid_id__in=scope.all_grid_ids)
        | Q(building_id__in=scope.building_ids)
        | Q(building__grid_id__in=scope.all_grid_ids)
    )


def users_for_manager(by: User) -> QuerySet[User]:
    """The accounts `by` may see on the user pages, never their own."""
    if not (by.can(Capability.MANAGE_USERS) or by.can(Capability.MANAGE_SECURITY)):
        return User.objects.none()
    scope = management_scope(by)
    if scope.is_empty and not scope.street_ids:
        return User.objects.none()
    outside = PlaceAssignment.objects.exclude(_assignments_within(scope)).values("user_id")
    inside = PlaceAssignment.objects.filter(_assignments_within(scope)).values("user_id")
    visible = Q(pk__in=inside)
    if scope.street_ids:
        placeless = Q(places__isnull=True)
        if by.role not in STREET_WIDE_KEEPERS:
            # A street's business admin sees the handlers of its departments and of the shared ones.
            placeless &= Q(department__street__isnull=True) | Q(department__street_id__in=scope.street_ids)
        visible |= placeless
    users = User.objects.filter(visible).exclude(pk__in=outside).exclude(pk=by.pk)
    if by.role not in STREET_WIDE_KEEPERS:
        users = users.filter(role__in=ACCOUNT_KEEPERS.get(by.role, frozenset()))
    return users.distinct()


def user_for_manager(by: User, pk: int) -> User:
    """One account `by` may see; any other does not exist for them (404)."""
    user = users_for_manager(by).select_related("department").filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def may_keep_account(by: User, user: User) -> bool:
    """Whether `by` edits, disables, re-enables and resets the password of `user`'s account."""
    return by.pk != user.pk and by.is_active and user.role in ACCOUNT_KEEPERS.get(by.role, frozenset())


def may_assign_role(by: User, user: User) -> bool:
    """Whether `by` changes `user`'s role at all: never their own, never from a role they could
    not grant themselves (the security admin takes over an account still without a role)."""
    grantable = GRANTABLE_ROLES.get(by.role, frozenset())
    takes_over_new = by.role == Role.SECURITY_ADMIN and user.role == ""
    return by.pk != user.pk and by.is_active and bool(grantable) and (user.role in grantable or takes_over_new)


def place_within(scope: PlaceScope, place: Place) -> bool:
    if isinstance(place, Street):
        return place.pk in scope.street_ids
    if isinstance(place, Community):
        return place.pk in scope.community_ids or place.street_id in scope.street_ids
    if isinstance(place, Grid):
        return place.pk in scope.all_grid_ids
    return place.pk in scope.building_ids or place.grid_id in scope.all_grid_ids


@dataclass(frozen=True)
class GrantablePlaces:
    """The places `by` may hand out, for a form's choices."""

    streets: QuerySet[Street]
    communities: QuerySet[Community]
    grids: QuerySet[Grid]
    buildings: QuerySet[Building]


def places_for_manager(by: User) -> GrantablePlaces:
    scope = management_scope(by)
    return GrantablePlaces(
        streets=Street.objects.filter(pk__in=scope.street_ids).order_by("name"),
        communities=Community.objects.filter(pk__in=_communities_of(scope)).order_by("code"),
        grids=Grid.objects.filter(pk__in=scope.all_grid_ids).select_related("community").order_by("code"),
        buildings=Building.objects.filter(Q(pk__in=scope.building_ids) | Q(grid_id__in=scope.all_grid_ids))
        .select_related("grid")
        .order_by("grid__code", "name"),
    )
