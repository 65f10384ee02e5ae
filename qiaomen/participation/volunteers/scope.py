"""Who sees which volunteer records: one scoped helper per record type (404 outside).

Staff with VIEW_VOLUNTEERS see the volunteers of the grids they see whole (their grids, their
communities', their street's). A volunteer who signs in sees themselves only. Nobody else sees any.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.participation.models.volunteer_points import CatalogueItem, ServiceRecord
from qiaomen.participation.models.volunteers import Team, Volunteer, VolunteerApplication
from qiaomen.places.models import Street


def _grid_ids(user: User) -> list[int]:
    if not user.can(Capability.VIEW_VOLUNTEERS):
        return []
    return sorted(place_scope(user).all_grid_ids)


def volunteers_for_user(user: User) -> QuerySet[Volunteer]:
    if user.can(Capability.VIEW_VOLUNTEERS):
        return Volunteer.objects.filter(grid_id__in=_grid_ids(user))
    if user.can(Capability.SERVE_AS_VOLUNTEER):
        return Volunteer.objects.filter(user=user)
    return Volunteer.objects.none()


def volunteer_for_user(user: User, pk: int) -> Volunteer:
    volunteer = volunteers_for_user(user).select_related("grid__community", "team", "user").filter(pk=pk).first()
    if volunteer is None:
        raise Http404
    return volunteer


def own_volunteer(user: User) -> Volunteer:
    """The volunteer record of the signed-in volunteer (404 for an account linked to none)."""
    if not user.can(Capability.SERVE_AS_VOLUNTEER):
        raise Http404
    volunteer = Volunteer.objects.select_related("grid", "team").filter(user=user).first()
    if volunteer is None:
        raise Http404
    return volunteer


def teams_for_user(user: User) -> QuerySet[Team]:
    return Team.objects.filter(grid_id__in=_grid_ids(user))


def team_for_user(user: User, pk: int) -> Team:
    team = teams_for_user(user).select_related("grid", "leader").filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def services_for_user(user: User) -> QuerySet[ServiceRecord]:
    """Hours: staff see their grids'; a volunteer sees their own."""
    if user.can(Capability.VIEW_VOLUNTEERS):
        return ServiceRecord.objects.filter(volunteer__grid_id__in=_grid_ids(user))
    if user.can(Capability.SERVE_AS_VOLUNTEER):
        return ServiceRecord.objects.filter(volunteer__user=user)
    return ServiceRecord.objects.none()


def service_for_user(user: User, pk: int) -> ServiceRecord:
    row = services_for_user(user).select_related("volunteer__team").filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def applications_for_user(user: User) -> QuerySet[VolunteerApplication]:
    if not user.can(Capability.MANAGE_VOLUNTEERS):
        return VolunteerApplication.objects.none()
    return VolunteerApplication.objects.filter(household__building__grid_id__in=_grid_ids(user))


def application_for_user(user: User, pk: int) -> VolunteerApplication:
    row = applications_for_user(user).select_related("household__building__grid").filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def streets_for_user(user: User) -> QuerySet[Street]:
    """The streets whose rates and catalogue a user sees: those of the grids they see, or of the
    volunteer's own grid."""
    if user.can(Capability.VIEW_VOLUNTEERS):
        return Street.objects.filter(communities__grids__id__in=_grid_ids(user)).distinct()
    if user.can(Capability.SERVE_AS_VOLUNTEER):
        return Street.objects.filter(communities__grids__volunteers__user=user).distinct()
    return Street.objects.none()


def catalogue_for_user(user: User) -> QuerySet[CatalogueItem]:
    return CatalogueItem.objects.filter(street__in=streets_for_user(user))


def catalogue_item_for_user(user: User, pk: int) -> CatalogueItem:
    item = catalogue_for_user(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def leads_team_of(user: User, volunteer: Volunteer) -> bool:
    """Whether `user` is the grid worker who leads the volunteer's team."""
    return volunteer.team is not None and volunteer.team.leader_id == user.pk and user.can(Capability.CONFIRM_SERVICE)


def confirmation_queue(user: User) -> QuerySet[ServiceRecord]:
    """The hours waiting for this grid worker: those of the teams they lead, in their grids."""
    if not user.can(Capability.CONFIRM_SERVICE):
        return ServiceRecord.objects.none()
    return services_for_user(user).filter(Q(volunteer__team__leader=user), status="pending")
