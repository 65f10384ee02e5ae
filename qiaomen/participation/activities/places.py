"""Where a meeting, an activity or a group may be held by whom: the checks every write shares."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.errors import Forbidden, InvalidInput
from qiaomen.participation.activities.scope import scope_community_ids
from qiaomen.places.models import Building, Community, Grid


def organiser_check(user: User) -> None:
    if not user.can(Capability.MANAGE_ACTIVITIES):
        raise Forbidden("not_organiser", _("You may not organise meetings or activities."))


def place_check(
    *, user: User, community: Community, grid: Grid | None = None, building: Building | None = None
) -> None:
    """The place is the user's and hangs together: a grid or building of that very community."""
    organiser_check(user)
    scope = place_scope(user)
    if community.pk not in scope_community_ids(scope):
        raise Forbidden("place_not_yours", _("This community is not one of your places."))
    if grid is not None:
        if grid.community_id != community.pk:
            raise InvalidInput("grid_not_in_community", _("The grid is not in this community."))
        if grid.pk not in scope.all_grid_ids:
            raise Forbidden("place_not_yours", _("This grid is not one of your places."))
    if building is not None:
        building_grid = Grid.objects.only("community_id").get(pk=building.grid_id)
        if building_grid.community_id != community.pk:
            raise InvalidInput("building_not_in_community", _("The building is not in this community."))
        if building.grid_id not in scope.all_grid_ids and building.pk not in scope.building_ids:
            raise Forbidden("place_not_yours", _("This building is not one of your places."))
