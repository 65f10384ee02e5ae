"""Tickets: create, list, read, and one POST per transition of the state machine (issue 4, item 10).

Everything goes through the ticket selectors (scope: a department's tickets for its handlers, the
tickets of their places for place roles) and the ticket services (rules, deadlines, the claim by
conditional UPDATE that makes exactly one of several simultaneous accepts win; the others get
409 `ticket_changed`).

Need-to-know (SECURITY.md line 5): a ticket answers with its address and the person's masked
phone as the contact, never a name or an ID number, for every role. Only callers who may open the
registry get the household and person ids that lead to the registry endpoints; for a department
handler they are null.

Channel of a created ticket: `api` when a Bearer token calls (the phone client, another system),
`staff` when a signed-in staff page posts it with the session (a phone call or walk-in typed in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import BooleanField, Case, F, QuerySet, Value, When
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status

from qiaomen.accounts.models import Department, User
from qiaomen.accounts.roles import Capability
from qiaomen.api.alarms import AlarmOut, ticket_alarm
from qiaomen.api.auth import api_user, api_user_with, presented_token
from qiaomen.api.errors import responses
from qiaomen.api.paging import Offset
from qiaomen.api.schema_rules import NOT_BLANK, REASON, codes_of
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.registry.selectors import household_for_user
from qiaomen.tickets.models import Channel, EscalationLevel, Priority, Subcategory, Ticket, TicketEvent
from qiaomen.tickets.models import Status as TicketStatus
from qiaomen.tickets.selectors import (
    active_subcategories,
    overdue_q,
    ticket_for_user,
    tickets_by_deadline,
    tickets_for_user,
)
from qiaomen.tickets.services import (
    ticket_accept,
    ticket_change_priority,
    ticket_confirm,
    ticket_create,
    ticket_create_once,
    ticket_resolve,
    ticket_resubmit,
    ticket_return,
    ticket_start,
    ticket_transfer,
)

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# The resident's one-time rating page (served by the public app); the token is shown once, here.
RATING_PATH = "/r/{token}/"


class CodeNameOut(Schema):
    code: str
    name: str


class SubcategoryOut(CodeNameOut):
    category: CodeNameOut


class GridRefOut(Schema):
    id: int
    name: str


class TicketOut(Schema):
    id: int
    version: int = Field(description="send it back as If-Match with an action: a ticket changed since answers 409")
    channel: Channel
    status: TicketStatus
    priority: Priority
    subcategory: SubcategoryOut
    department: CodeNameOut
    handler: str | None = Field(description="the accepting handler's display name")
    description: str
    grid: GridRefOut | None
    address: str | None = Field(description="the household's address, when the ticket has one")
    contact_phone_masked: str | None = Field(description="the person's phone, masked (138****5678)")
    household_id: int | None = Field(description="only for callers who may open the registry")
    person_id: int | None = Field(description="only for callers who may open the registry")
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    accept_by: dt.datetime | None
    start_by: dt.datetime | None
    resolve_by: dt.datetime | None
    next_deadline: dt.datetime | None = Field(description="the deadline that matters now (escalate_after)")
    overdue: bool
    escalation_level: EscalationLevel
    transfer_count: int
    reopen_count: int
    repeat_of: int | None
    merged_into: int | None = Field(description="the ticket this duplicate was merged into (status merged)")
    resolution_note: str
    worker_confirmed_at: dt.datetime | None
    rating: int | None


class TicketPageOut(Schema):
    items: list[TicketOut]
    count: int


class EventOut(Schema):
    action: str
    old_status: str
    new_status: str
    actor: str | None
    reason: str
    at: dt.datetime


class TicketDetailOut(TicketOut):
    events: list[EventOut] = Field(description="the timeline, oldest first")
    alarm: AlarmOut | None = Field(
        description="a device alarm's acknowledgement ladder, for callers who see the device"
    )


class ResolvedOut(TicketOut):
    rating_link: str = Field(description="the resident's one-time rating path; answered once, never again")


def _department_codes() -> list[str]:
    return list(Department.objects.values_list("code", flat=True))


def _subcategory_codes() -> list[str]:
    return list(Subcategory.objects.values_list("code", flat=True))


def _active_subcategory_codes() -> list[str]:
    return list(active_subcategories().values_list("code", flat=True))


class TicketIn(Schema):
    description: str = Field(min_length=1, max_length=2000, json_schema_extra=NOT_BLANK)
    subcategory: str = Field(
        min_length=1,
        max_length=16,
        description="sub-category code, e.g. LIF-MEAL (the active ones)",
        json_schema_extra=codes_of(_active_subcategory_codes),
    )
    household_id: int | None = Field(None, ge=1)
    priority: Priority | None = Field(None, description="the sub-category's default when left out")


class TicketFilters(Schema):
    status: TicketStatus | None = None
    department: str | None = Field(
        None, min_length=1, max_length=32, description="department code", json_schema_extra=codes_of(_department_codes)
    )
    overdue: bool | None = Field(None, description="true: only overdue tickets; false: only the others")
    subcategory: str | None = Field(
        None,
        min_length=1,
        max_length=16,
        description="sub-category code, retired ones included",
        json_schema_extra=codes_of(_subcategory_codes),
    )
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: Offset = 0


class TransferIn(Schema):
    department: str = Field(
        min_length=1,
        max_length=32,
        description="department code; the ticket's own department answers 409",
        json_schema_extra=codes_of(_department_codes),
    )
    reason: str = Field(max_length=500, json_schema_extra=REASON)


class ReturnIn(Schema):
    reason: str = Field(max_length=500, json_schema_extra=REASON)


class ResubmitIn(Schema):
    addition: str = Field(max_length=500, json_schema_extra=REASON)


class ResolveIn(Schema):
    note: str = Field(max_length=2000, json_schema_extra=NOT_BLANK)


class PriorityIn(Schema):
    priority: Priority
    reason: str = Field(max_length=500, json_schema_extra=REASON)


router = Router(tags=["tickets"])


def _tickets(tickets: QuerySet[Ticket], now: dt.datetime) -> QuerySet[Ticket]:
    """Everything a TicketOut needs in one query. The contact is read as the masked column alone,
    so that the person's file (encrypted ID number, phone) is never loaded for a ticket; overdue
    is the selectors' rule, evaluated by the database."""
    return tickets.select_related(
        "subcategory__category", "department", "handler", "household__building", "grid"
    ).annotate(
        contact_phone_masked=F("person__phone_masked"),
        is_overdue=Case(When(overdue_q(now), then=Value(True)), default=Value(False), output_field=BooleanField()),
    )


def _ticket(ticket: Ticket, user: User) -> dict[str, Any]:
    registry = user.can(Capability.VIEW_REGISTRY)
    subcategory = ticket.subcategory
    return {
        "id": ticket.pk,
        "channel": ticket.channel,
        "status": ticket.status,
        "version": ticket.version,
        "priority": ticket.priority,
        "subcategory": {
            "code": subcategory.code,
            "name": subcategory.name,
            "category": {"code": subcategory.category.code, "name": subcategory.category.name},
        },
        "department": {"code": ticket.department.code, "name": ticket.department.name},
        "handler": str(ticket.handler) if ticket.handler else None,
        "description": ticket.description,
        "grid": {"id": ticket.grid.pk, "name": ticket.grid.name} if ticket.grid else None,
        "address": str(ticket.household) if ticket.household else None,
        "contact_phone_masked": getattr(ticket, "contact_phone_masked", None) or None,
        "household_id": ticket.household_id if registry else None,
        "person_id": ticket.person_id if registry else None,
        "created_at": ticket.created_at,
        "accepted_at": ticket.accepted_at,
        "resolved_at": ticket.resolved_at,
        "closed_at": ticket.closed_at,
        "accept_by": ticket.accept_by,
        "start_by": ticket.start_by,
        "resolve_by": ticket.resolve_by,
        "next_deadline": ticket.escalate_after,
        "overdue": bool(getattr(ticket, "is_overdue", False)),
        "escalation_level": ticket.escalation_level,
        "transfer_count": ticket.transfer_count,
        "reopen_count": ticket.reopen_count,
        "repeat_of": ticket.repeat_of_id,
        "merged_into": ticket.merged_into_id,
        "resolution_note": ticket.resolution_note,
        "worker_confirmed_at": ticket.worker_confirmed_at,
        "rating": ticket.rating,
    }


def _ticket_after(ticket: Ticket, user: User) -> dict[str, Any]:
    """The ticket as a transition left it. Read again by pk, not through the caller's scope: after
    a transfer the ticket belongs to another department, yet the caller just acted on it."""
    return _ticket(_tickets(Ticket.objects.filter(pk=ticket.pk), timezone.now()).get(), user)


def _by_code(model: type[Subcategory] | type[Department], code: str, error: str, message: str) -> Any:
    found = model.objects.filter(code=code).first()
    if found is None:
        raise InvalidInput(error, message)
    return found


def _department(code: str) -> Department:
    return _by_code(Department, code, "unknown_department", _("No department has this code."))


def _subcategory(code: str) -> Subcategory:
    return _by_code(Subcategory, code, "unknown_subcategory", _("No category has this code."))


IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    min_length=1,
    max_length=64,
    pattern=r"^[A-Za-z0-9_.:-]+$",
    description="a key the client makes for this ticket (a UUID will do) and sends again with every retry",
)


@router.post("/tickets", response=responses(TicketOut, 400, 401, 403, 404, 409, 422, ok_status=201), url_name="tickets")
def ticket_create_view(
    request: HttpRequest, payload: TicketIn, idempotency_key: str | None = IDEMPOTENCY_KEY
) -> Status[dict[str, Any]]:
    """Raise a demand; it is routed to the sub-category's department at once.

    With an `Idempotency-Key` header a retry creates nothing: the same key again from the same
    user answers 201 with the ticket the first request made, also when both arrive at once; the
    same key with a different ticket answers 409 `idempotency_key_reused`. A household outside
    the caller's places answers 404; an unknown or retired sub-category 422.
    """
    user = api_user_with(request, Capability.CREATE_TICKETS)
    household = household_for_user(user, payload.household_id) if payload.household_id is not None else None
    ticket: dict[str, Any] = {
        "channel": Channel.API if presented_token(request) else Channel.STAFF,
        "description": payload.description,
        "subcategory": _subcategory(payload.subcategory),
        "priority": payload.priority,
        "household": household,
        "created_by": user,
        "request": request,
    }
    if idempotency_key is None:
        created = ticket_create(**ticket)
    else:
        created, _ = ticket_create_once(client_key=idempotency_key, **ticket)
    return Status(201, _ticket_after(created, user))


@router.get("/tickets", response=responses(TicketPageOut, 401, 422), url_name="tickets_list")
def ticket_list(request: HttpRequest, filters: Query[TicketFilters]) -> dict[str, Any]:
    """The caller's tickets, overdue first, then by the deadline that matters now."""
    user = api_user(request)
    now = timezone.now()
    tickets = tickets_for_user(user)
    if filters.status is not None:
        tickets = tickets.filter(status=filters.status)
    if filters.department is not None:
        tickets = tickets.filter(department=_department(filters.department))
    if filters.subcategory is not None:
        tickets = tickets.filter(subcategory=_subcategory(filters.subcategory))
    if filters.overdue is not None:
        tickets = tickets.filter(overdue_q(now)) if filters.overdue else tickets.exclude(overdue_q(now))
    page = _tickets(tickets_by_deadline(tickets, now=now), now)[filters.offset : filters.offset + filters.limit]
    return {"items": [_ticket(t, user) for t in page], "count": tickets.count()}


@router.get("/tickets/{int:ticket_id}", response=responses(TicketDetailOut, 401, 404, 422), url_name="ticket")
def ticket_detail(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """One ticket with its timeline."""
    user = api_user(request)
    ticket = _tickets(tickets_for_user(user).filter(pk=ticket_id), timezone.now()).first()
    if ticket is None:
        raise Http404
    events = TicketEvent.objects.filter(ticket_id=ticket_id).select_related("actor")
    return {**_ticket(ticket, user), "events": [_event(e) for e in events], "alarm": ticket_alarm(user, ticket_id)}


def _event(event: TicketEvent) -> dict[str, Any]:
    return {
        "action": event.action,
        "old_status": event.old_status,
        "new_status": event.new_status,
        "actor": str(event.actor) if event.actor else None,
        "reason": event.reason,
        "at": event.at,
    }


# --- transitions: each refuses a role without the capability (403) before any look-up, looks
# the ticket up in the caller's scope (404 outside), lets the service check whose ticket it is
# and its state (403, 409), and answers the ticket as it now stands.

Transition = Callable[..., Ticket]
HANDLE, CONFIRM = Capability.HANDLE_TICKETS, Capability.CONFIRM_TICKETS


def _act(
    request: HttpRequest, ticket_id: int, service: Transition, capability: Capability | None, **arguments: Any
) -> dict[str, Any]:
    user = api_user(request) if capability is None else api_user_with(request, capability)
    ticket = ticket_for_user(user, ticket_id)
    # A client that read the ticket sends its version back (If-Match, SECURITY.md line 30): acting
    # on a ticket someone changed since is a 409 to look at again, not an overwrite made unseen.
    seen = request.headers.get("If-Match", "").strip().strip('"')
    if seen and seen != str(ticket.version):
        raise Conflict("ticket_changed", _("Someone else changed this just now: refresh the page and try again."))
    ticket = service(ticket=ticket, user=user, request=request, **arguments)
    return _ticket_after(ticket, user)


ACTION_ERRORS = (401, 403, 404, 409, 422)
BODY_ACTION_ERRORS = (400, *ACTION_ERRORS)


@router.post("/tickets/{int:ticket_id}/accept", response=responses(TicketOut, *ACTION_ERRORS), url_name="ticket_accept")
def accept(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """Take the ticket (首接负责制). Of several handlers accepting at once one wins; the others 409."""
    return _act(request, ticket_id, ticket_accept, HANDLE)


@router.post("/tickets/{int:ticket_id}/start", response=responses(TicketOut, *ACTION_ERRORS), url_name="ticket_start")
def start(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """Work on an accepted ticket has begun."""
    return _act(request, ticket_id, ticket_start, HANDLE)


@router.post(
    "/tickets/{int:ticket_id}/transfer", response=responses(TicketOut, *BODY_ACTION_ERRORS), url_name="ticket_transfer"
)
def transfer(request: HttpRequest, ticket_id: int, payload: TransferIn) -> dict[str, Any]:
    """Hand the ticket to the right department, with a reason (counted as a wrong routing)."""
    return _act(
        request, ticket_id, ticket_transfer, HANDLE, department=_department(payload.department), reason=payload.reason
    )


@router.post(
    "/tickets/{int:ticket_id}/return", response=responses(TicketOut, *BODY_ACTION_ERRORS), url_name="ticket_return"
)
def return_(request: HttpRequest, ticket_id: int, payload: ReturnIn) -> dict[str, Any]:
    """Send the ticket back to whoever raised it for more information."""
    return _act(request, ticket_id, ticket_return, HANDLE, reason=payload.reason)


@router.post(
    "/tickets/{int:ticket_id}/resubmit", response=responses(TicketOut, *BODY_ACTION_ERRORS), url_name="ticket_resubmit"
)
def resubmit(request: HttpRequest, ticket_id: int, payload: ResubmitIn) -> dict[str, Any]:
    """Add the missing information to a returned ticket; it is routed again."""
    # The service leaves the role to its callers: it is the place side (who raised the ticket)
    # that answers a return, not the department that returned it.
    return _act(request, ticket_id, ticket_resubmit, CONFIRM, addition=payload.addition)


@router.post(
    "/tickets/{int:ticket_id}/resolve", response=responses(ResolvedOut, *BODY_ACTION_ERRORS), url_name="ticket_resolve"
)
def resolve(request: HttpRequest, ticket_id: int, payload: ResolveIn) -> dict[str, Any]:
    """Resolve with a note. The answer carries the resident's rating link: pass it on now, as only
    its hash is kept and no later answer shows it again."""
    rating_link = ""

    def resolve_keeping_token(**arguments: Any) -> Ticket:
        nonlocal rating_link
        ticket, token = ticket_resolve(**arguments)
        rating_link = RATING_PATH.format(token=token)
        return ticket

    answer = _act(request, ticket_id, resolve_keeping_token, HANDLE, note=payload.note)
    return {**answer, "rating_link": rating_link}


@router.post(
    "/tickets/{int:ticket_id}/confirm", response=responses(TicketOut, *ACTION_ERRORS), url_name="ticket_confirm"
)
def confirm(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """The grid worker (or community staff) of the ticket's place confirms the result on site."""
    return _act(request, ticket_id, ticket_confirm, CONFIRM)


@router.post(
    "/tickets/{int:ticket_id}/priority", response=responses(TicketOut, *BODY_ACTION_ERRORS), url_name="ticket_priority"
)
def change_priority(request: HttpRequest, ticket_id: int, payload: PriorityIn) -> dict[str, Any]:
    """Change the priority with a reason; the deadlines are recomputed from the routing time."""
    # No capability gate: the service decides (handlers, community staff, the street admin).
    return _act(request, ticket_id, ticket_change_priority, None, priority=payload.priority, reason=payload.reason)
