"""Incidents (R-DEV-2): report, acknowledge, close, pause visits to the incident's place.

Routing. The street has no security officer role, and adding a role means a new row in every
table of accounts.roles (grants, keepers, the scope sweep's personas) for one duty. Instead the
duty is a capability, HANDLE_INCIDENTS, held by the street admin and community staff: an incident
is routed to the holders whose places cover its community (the community's staff and the
street's admins), each told through the staff notifications (tickets.services.notifications.notify,
without a ticket). By kind, a fire or a flood is also a danger the emergency-management
department must act on: it opens a ticket in the taxonomy's EMG-SAFE sub-category (fire, gas,
structural danger → 应急管理, P1) through tickets.services.routing.ticket_create, so it gets that
department's deadlines and escalation like any P1. A hurt worker or a conflict stays with the
street's own people: a ticket for it would count in the departments' figures as a demand.

Pauses. The visits pause (visits.services.visit_pause_create) stops visits by community or grid;
an incident at a building or household pauses the building's grid, the smallest area a pause
knows. It is created through that service, so only those who may pause visits can.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability, Role, role_can
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.transitions import claim_transition
from qiaomen.devices.models import Incident, IncidentKind, IncidentStatus
from qiaomen.places.models import Building, Community, Grid
from qiaomen.registry.models import Household
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services.notifications import notify
from qiaomen.tickets.services.routing import ticket_create
from qiaomen.visits.models import Visit
from qiaomen.visits.services import visit_pause_create

DESCRIPTION_MAX = 2000
# Kinds that also go to a department, and the taxonomy's sub-category that routes them there.
DEPARTMENT_KINDS = frozenset({IncidentKind.FIRE, IncidentKind.FLOOD})
DEPARTMENT_SUBCATEGORY = "EMG-SAFE"
# A phone's clock may run a little ahead of the server's.
CLOCK_SLACK = dt.timedelta(minutes=5)


def incident_handlers(community: Community) -> QuerySet[User]:
    """Active holders of HANDLE_INCIDENTS whose places cover the community."""
    roles = [role for role in Role.values if role_can(role, Capability.HANDLE_INCIDENTS)]
    return (
        User.objects.filter(is_active=True, role__in=roles)
        .filter(Q(places__community=community) | Q(places__street_id=community.street_id))
        .distinct()
    )


def _place_of(
    *,
    visit: Visit | None,
    household: Household | None,
    building: Building | None,
    grid: Grid | None,
    community: Community | None,
) -> tuple[Community, Grid | None, Building | None, Household | None]:
    """The incident's place, completed from its most precise part; parts that disagree are refused."""
    if visit is not None:
        if household is not None and household.pk != visit.household_id:
            raise InvalidInput("incident_place_mismatch", _("The household is not the one of the visit."))
        household = visit.household
    if household is not None:
        if building is not None and building.pk != household.building_id:
            raise InvalidInput("incident_place_mismatch", _("The household is not in that building."))
        building = household.building
    if building is not None:
        if grid is not None and grid.pk != building.grid_id:
            raise InvalidInput("incident_place_mismatch", _("The building is not in that grid."))
        grid = building.grid
    if grid is not None:
        if community is not None and community.pk != grid.community_id:
            raise InvalidInput("incident_place_mismatch", _("The grid is not in that community."))
        community = grid.community
    if community is None:
        raise InvalidInput("incident_place_required", _("Say where the incident happened."))
    return community, grid, building, household


def incident_report(
    *,
    user: User,
    kind: str,
    description: str,
    occurred_at: dt.datetime,
    visit: Visit | None = None,
    household: Household | None = None,
    building: Building | None = None,
    grid: Grid | None = None,
    community: Community | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    if not user.can(Capability.REPORT_INCIDENTS):
        raise Forbidden("incident_report_not_allowed", _("You may not report incidents."))
    if kind not in IncidentKind.values:
        raise InvalidInput("incident_kind_invalid", _("Choose the kind of incident."))
    description = description.strip()
    if not description:
        raise InvalidInput("incident_description_required", _("Describe what happened."))
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput("text_too_long", _("The description is too long (at most 2000 characters)."))
    if occurred_at > timezone.now() + CLOCK_SLACK:
        raise InvalidInput("incident_in_future", _("The time of the incident is in the future."))
    community, grid, building, household = _place_of(
        visit=visit, household=household, building=building, grid=grid, community=community
    )
    scope = place_scope(user)
    reachable = (
        grid.pk in scope.all_grid_ids
        if grid is not None
        else (Grid.objects.filter(pk__in=scope.all_grid_ids, community=community).exists())
    )
    if not reachable:
        raise InvalidInput("incident_place_out_of_scope", _("That place is not one of yours."))
    with transaction.atomic():
        incident = Incident.objects.create(
            kind=kind,
            community=community,
            grid=grid,
            building=building,
            household=household,
            visit=visit,
            occurred_at=occurred_at,
            description=description,
            reported_by=user,
        )
        if kind in DEPARTMENT_KINDS:
            ticket = _department_ticket(incident, user=user, request=request)
            incident = claim_transition(
                row=incident, to_state=None, action="route", actor=user, changes={"ticket": ticket}, request=request
            )
        audit_record(action="incident.report", actor=user, request=request, obj=incident, detail={"kind": kind})
        # The text names no person: notifications are read in lists without the registry's rights.
        notify(
            incident_handlers(community),
            ticket=None,
            text=f"事件上报 #{incident.pk}：{incident.get_kind_display()}（{community.name}）",
        )
    return incident


def _department_ticket(incident: Incident, *, user: User, request: HttpRequest | None) -> Ticket:
    description = f"{incident.get_kind_display()}（事件 #{incident.pk}）：{incident.description}"
    return ticket_create(
        channel=Channel.STAFF,
        description=description,
        subcategory=Subcategory.objects.get(code=DEPARTMENT_SUBCATEGORY),
        household=incident.household,
        grid=incident.grid,
        created_by=user,
        request=request,
    )


def _require_handler(user: User) -> None:
    if not user.can(Capability.HANDLE_INCIDENTS):
        raise Forbidden("incident_handle_not_allowed", _("You may not handle incidents."))


def incident_acknowledge(*, user: User, incident: Incident, request: HttpRequest | None = None) -> Incident:
    _require_handler(user)
    now = timezone.now()
    return claim_transition(
        row=incident,
        to_state=IncidentStatus.ACKNOWLEDGED,
        action="acknowledge",
        actor=user,
        changes={"acknowledged_by": user, "acknowledged_at": now},
        request=request,
        at=now,
    )


def incident_close(*, user: User, incident: Incident, reason: str, request: HttpRequest | None = None) -> Incident:
    _require_handler(user)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("incident_close_reason_required", _("Say how the incident was dealt with."))
    now = timezone.now()
    return claim_transition(
        row=incident,
        to_state=IncidentStatus.CLOSED,
        action="close",
        actor=user,
        reason=reason[:200],
        changes={"closed_at": now},
        request=request,
        at=now,
    )


def incident_pause_visits(
    *, user: User, incident: Incident, until: dt.date, request: HttpRequest | None = None
) -> Incident:
    """Pause visits to the incident's grid (its building's), or its community when no grid is known."""
    if incident.status == IncidentStatus.CLOSED:
        raise Conflict("incident_closed", _("The incident is closed."))
    if incident.pause_id is not None:
        raise Conflict("incident_already_paused", _("Visits are already paused for this incident."))
    today = timezone.localdate()
    with transaction.atomic():
        pause = visit_pause_create(
            user=user,
            communities=[] if incident.grid is not None else [incident.community],
            grids=[incident.grid] if incident.grid is not None else [],
            starts_on=today,
            ends_on=until,
            reason=f"{incident.get_kind_display()} #{incident.pk}",
            request=request,
        )
        return claim_transition(
            row=incident, to_state=None, action="pause_visits", actor=user, changes={"pause": pause}, request=request
        )
