"""Service hours per task (R-PAR-1): recorded by the volunteer or their staff, confirmed or
rejected by the grid worker who leads the volunteer's team. Confirming earns the points in the
same transaction; pending → confirmed | rejected is the whole state machine (ServiceRecord)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.transitions import claim_transition
from qiaomen.participation.models.volunteer_points import ServiceKind, ServiceRecord, ServiceStatus
from qiaomen.participation.models.volunteers import Volunteer, VolunteerStatus
from qiaomen.participation.volunteers.ledger import points_earn
from qiaomen.participation.volunteers.scope import leads_team_of
from qiaomen.participation.volunteers.selectors import ERRAND as ERRAND_SUBCATEGORY
from qiaomen.tickets.models import Ticket
from qiaomen.visits.models import Visit

MAX_HOURS = Decimal("12")


def service_record(
    *,
    volunteer: Volunteer,
    kind: str,
    hours: Decimal,
    served_on: dt.date,
    actor: User,
    visit: Visit | None = None,
    ticket: Ticket | None = None,
    description: str = "",
    request: HttpRequest | None = None,
) -> ServiceRecord:
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise InvalidInput("volunteer_not_active", _("Only an active volunteer records hours."))
    if not Decimal("0") < hours <= MAX_HOURS or (hours * 2) % 1:
        raise InvalidInput("hours_invalid", _("Hours are given in half hours, more than 0 and at most 12."))
    if served_on > timezone.localdate():
        raise InvalidInput("served_in_future", _("Hours are recorded once they are served."))
    visit, ticket, description = _task(volunteer=volunteer, kind=kind, visit=visit, ticket=ticket, text=description)
    with transaction.atomic():
        if visit is not None or ticket is not None:
            twin = ServiceRecord.objects.filter(volunteer=volunteer, visit=visit, ticket=ticket).exclude(
                status=ServiceStatus.REJECTED
            )
            if twin.exists():
                raise Conflict("service_recorded", _("These hours are already recorded for that task."))
        row = ServiceRecord.objects.create(
            volunteer=volunteer,
            kind=kind,
            visit=visit,
            ticket=ticket,
            description=description,
            served_on=served_on,
            hours=hours,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        audit_record(action="service.record", actor=actor, request=request, obj=row, detail={"hours": str(hours)})
    return row


def _task(
    *, volunteer: Volunteer, kind: str, visit: Visit | None, ticket: Ticket | None, text: str
) -> tuple[Visit | None, Ticket | None, str]:
    """The task the hours were served on, checked against its kind and the volunteer's grid."""
    text = text.strip()[:200]
    if kind == ServiceKind.VISIT:
        if visit is None or visit.grid_id != volunteer.grid_id:
            raise InvalidInput("visit_missing", _("Choose the visit of the volunteer's grid that was accompanied."))
        return visit, None, text
    if kind == ServiceKind.ERRAND:
        if ticket is None or ticket.grid_id != volunteer.grid_id or ticket.subcategory.code != ERRAND_SUBCATEGORY:
            raise InvalidInput("ticket_missing", _("Choose the errand ticket (LIF-ERR) of the volunteer's grid."))
        return None, ticket, text
    if kind == ServiceKind.ACTIVITY:
        if not text:
            raise InvalidInput("description_missing", _("Describe the activity that was staffed."))
        return None, None, text
    raise InvalidInput("kind_invalid", _("Unknown kind of service."))


def service_confirm(
    *, service: ServiceRecord, actor: User, request: HttpRequest | None = None, at: dt.datetime | None = None
) -> ServiceRecord:
    """The team's grid worker confirms the hours; the points are earned in the same transaction."""
    _check_leader(service, actor)
    at = at or timezone.now()
    with transaction.atomic():
        service = claim_transition(
            row=service,
            to_state=ServiceStatus.CONFIRMED,
            action="confirm",
            actor=actor,
            changes={"decided_at": at},
            request=request,
            at=at,
        )
        points_earn(service=service, actor=actor, at=at)
    return service


def service_reject(
    *, service: ServiceRecord, actor: User, reason: str, request: HttpRequest | None = None
) -> ServiceRecord:
    _check_leader(service, actor)
    if not reason.strip():
        raise InvalidInput("reason_missing", _("Say why the hours are rejected."))
    return claim_transition(
        row=service,
        to_state=ServiceStatus.REJECTED,
        action="reject",
        actor=actor,
        reason=reason.strip(),
        changes={"decided_at": timezone.now()},
        request=request,
    )


def _check_leader(service: ServiceRecord, actor: User) -> None:
    if not leads_team_of(actor, service.volunteer):
        raise Forbidden(
            "not_team_leader", _("Only the grid worker who leads the volunteer's team confirms their hours.")
        )
