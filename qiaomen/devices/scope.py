"""Which devices, incidents, plans, activations and household checks a user sees: one lookup
helper per record type, each a 404 outside the user's places.

A device is seen by whoever sees the household it serves (through the household's building and
grid). An incident with a grid is seen by whoever sees that grid; one of a whole community (no
grid) by whoever sees any grid of it. Plans are the street's: seen by whoever sees a grid of that
street.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import PlaceScope, place_scope
from qiaomen.devices.models import EmergencyPlan, HouseholdCheck, Incident, PlanActivation
from qiaomen.devices.models.acknowledgements import AckStatus, AlarmAcknowledgement
from qiaomen.devices.models.devices import Device
from qiaomen.places.models import Grid

INCIDENT_CAPABILITIES = (Capability.REPORT_INCIDENTS, Capability.HANDLE_INCIDENTS)
# Who sees plans, and who sees activations (the grid workers too: they do the checks).
PLAN_VIEWERS = (Capability.MANAGE_EMERGENCY_PLANS, Capability.HANDLE_INCIDENTS)
ACTIVATION_VIEWERS = (*PLAN_VIEWERS, Capability.RECORD_VISITS)


def _scope(user: User, *capabilities: Capability) -> PlaceScope | None:
    if not user.is_authenticated or not any(user.can(capability) for capability in capabilities):
        return None
    scope = place_scope(user)
    return None if scope.is_empty else scope


def _community_ids(scope: PlaceScope) -> list[int]:
    return sorted(set(Grid.objects.filter(pk__in=scope.all_grid_ids).values_list("community_id", flat=True)))


def incidents_for_user(user: User) -> QuerySet[Incident]:
    scope = _scope(user, *INCIDENT_CAPABILITIES)
    if scope is None:
        return Incident.objects.none()
    whole_community = Q(grid__isnull=True, community_id__in=_community_ids(scope))
    return Incident.objects.filter(Q(grid_id__in=sorted(scope.all_grid_ids)) | whole_community)


def incident_for_user(user: User, pk: int) -> Incident:
    incident = (
        incidents_for_user(user)
        .select_related("community", "grid", "building", "household", "reported_by", "acknowledged_by")
        .filter(pk=pk)
        .first()
    )
    if incident is None:
        raise Http404
    return incident


def plans_for_user(user: User) -> QuerySet[EmergencyPlan]:
    scope = _scope(user, *PLAN_VIEWERS)
    if scope is None:
        return EmergencyPlan.objects.none()
    street_ids = set(Grid.objects.filter(pk__in=scope.all_grid_ids).values_list("community__street_id", flat=True))
    return EmergencyPlan.objects.filter(street_id__in=sorted(street_ids))


def plan_for_user(user: User, pk: int) -> EmergencyPlan:
    plan = plans_for_user(user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def activations_in_scope(scope: PlaceScope) -> QuerySet[PlanActivation]:
    """Activations whose area overlaps these places: a grid of theirs, a community or a street one
    of their grids is in (subqueries: one query whatever the number of grids)."""
    grid_ids = sorted(scope.all_grid_ids)
    grids = Grid.objects.filter(pk__in=grid_ids)
    return PlanActivation.objects.filter(
        Q(grid_id__in=grid_ids)
        | Q(grid__isnull=True, community_id__in=grids.values("community_id"))
        | Q(community__isnull=True, street_id__in=grids.values("community__street_id"))
    )


def activations_for_user(user: User) -> QuerySet[PlanActivation]:
    """Activations whose area overlaps the user's places; a grid worker sees those reaching their grid."""
    scope = _scope(user, *ACTIVATION_VIEWERS)
    if scope is None:
        return PlanActivation.objects.none()
    return activations_in_scope(scope)


def activation_for_user(user: User, pk: int) -> PlanActivation:
    activation = activations_for_user(user).select_related("plan", "community", "grid").filter(pk=pk).first()
    if activation is None:
        raise Http404
    return activation


def checks_for_user(user: User, activation: PlanActivation) -> QuerySet[HouseholdCheck]:
    """The rows of an activation's check list in the user's places, special groups first."""
    scope = _scope(user, *ACTIVATION_VIEWERS)
    if scope is None:
        return HouseholdCheck.objects.none()
    return HouseholdCheck.objects.filter(activation=activation, grid_id__in=sorted(scope.all_grid_ids)).order_by(
        "-special", "grid_id", "household_id"
    )


def check_for_user(user: User, pk: int) -> HouseholdCheck:
    row = HouseholdCheck.objects.select_related("activation", "household").filter(pk=pk).first()
    if row is None or not checks_for_user(user, row.activation).filter(pk=pk).exists():
        raise Http404
    return row


def devices_in_scope(scope: PlaceScope) -> QuerySet[Device]:
    return Device.objects.filter(scope.building_q("household__building__"))


def devices_for_user(user: User) -> QuerySet[Device]:
    if not user.is_authenticated or not user.can(Capability.VIEW_DEVICES):
        return Device.objects.none()
    return devices_in_scope(place_scope(user))


def device_for_user(user: User, pk: int) -> Device:
    device = (
        devices_for_user(user)
        .select_related("vendor", "household__building__grid", "person", "grid_worker")
        .filter(pk=pk)
        .first()
    )
    if device is None:
        raise Http404
    return device


def device_ack_open(device: Device) -> AlarmAcknowledgement | None:
    """The acknowledgement record of the device's latest alarm not yet answered on site (the
    caller got the device through `device_for_user`)."""
    return (
        AlarmAcknowledgement.objects.filter(device=device, status__in=[AckStatus.WAITING, AckStatus.ACKNOWLEDGED])
        .select_related("ticket", "acknowledged_by")
        .order_by("-started_at", "-pk")
        .first()
    )


def ticket_alarm_for_user(user: User, ticket_id: int) -> AlarmAcknowledgement | None:
    """The acknowledgement timer of a ticket (the caller looked the ticket up through its own
    scope), for whoever sees the alarm's device: the device page's rule (`devices_for_user`),
    so that the ticket page and the API let the same people press the same buttons. None for a
    ticket no alarm opened, or a device outside the user's places."""
    return (
        AlarmAcknowledgement.objects.filter(ticket_id=ticket_id, device__in=devices_for_user(user))
        .select_related("ticket", "device__vendor", "device__household", "device__person", "device__grid_worker")
        .select_related("acknowledged_by", "on_site_by")
        .first()
    )


def alarm_for_user(user: User, ticket_id: int) -> AlarmAcknowledgement:
    """As `ticket_alarm_for_user`, 404 when there is none."""
    ack = ticket_alarm_for_user(user, ticket_id)
    if ack is None:
        raise Http404
    return ack
