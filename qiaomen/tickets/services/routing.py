"""A demand becomes a ticket, routed at once to its sub-category's department (or held NEW)."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import Department, User
from qiaomen.core.audit import audit_record
from qiaomen.core.crypto import blind_index
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.core.events import Transition
from qiaomen.core.idempotency import create_once
from qiaomen.places.models import Grid
from qiaomen.registry.models import Household, Person
from qiaomen.tickets.models import Channel, Priority, Status, Subcategory, Ticket
from qiaomen.tickets.selectors import deadlines_for
from qiaomen.tickets.services.notifications import ticket_routed_notify
from qiaomen.tickets.services.repeats import repeat_of_id

# GeoReport v2 lets a client send 4,000 characters; every channel takes the same length.
MAX_DESCRIPTION = 4000


def description_clean(description: str) -> str:
    """The demand's text as stored, or InvalidInput: empty, or longer than MAX_DESCRIPTION."""
    description = description.strip()
    if not description:
        raise InvalidInput("description_required", _("Please describe the demand."))
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(
            "description_too_long", _("A demand may be at most %(limit)s characters.") % {"limit": MAX_DESCRIPTION}
        )
    return description


def ticket_create(
    *,
    channel: str,
    description: str,
    subcategory: Subcategory,
    priority: str | None = None,
    household: Household | None = None,
    person: Person | None = None,
    grid: Grid | None = None,
    created_by: User | None = None,
    department: Department | None = None,
    demand: Any = None,
    resolved_on_spot: bool = False,
    route: bool = True,
    client_key: str | None = None,
    client_digest: str = "",
    request: HttpRequest | None = None,
) -> Ticket:
    """Create a ticket and route it to the sub-category's department at once, or, with
    route=False, leave it NEW (no deadlines, nobody told) for a person to classify first
    (services.intake: a resident's text the classifier is unsure of).

    A demand resolved on the spot becomes a ticket closed at creation with the worker's
    confirmation. A ticket from a household that raised the same sub-category within 90 days
    is linked to the earlier one (a repeat, R-TIC-7). `department` routes it to another
    department than the sub-category's: a request for a partner's menu service goes to the
    department that handles that partner (participation's service menu).
    """
    description = description_clean(description)
    if channel not in Channel.values:
        raise InvalidInput("channel_invalid", _("Invalid channel."))
    if subcategory.retired:
        raise InvalidInput("subcategory_retired", _("This category is retired; choose another one."))
    priority = priority or subcategory.default_priority
    if priority not in Priority.values:
        raise InvalidInput("priority_invalid", _("Invalid priority."))
    if person is not None and household is None:
        household = person.household
    if grid is None and household is not None:
        grid = household.building.grid
    department = department or subcategory.department
    now = timezone.now()
    closed = resolved_on_spot
    routed = route and not closed
    status = Status.CLOSED if closed else Status.ROUTED if routed else Status.NEW
    # A NEW ticket has no deadlines yet: they run from its routing (intake.ticket_classify).
    timing = (
        deadlines_for(routed_at=now, priority=priority).columns(status=status)
        if routed or closed
        else dict.fromkeys(("accept_by", "start_by", "resolve_by", "escalate_after"))
    )
    with transaction.atomic():
        ticket = Ticket.objects.create(
            channel=channel,
            household=household,
            person=person,
            grid=grid,
            description=description,
            subcategory=subcategory,
            priority=priority,
            department=department,
            status=status,
            created_by=created_by,
            created_at=now,
            routed_at=now if routed or closed else None,
            **timing,
            repeat_of_id=repeat_of_id(household, subcategory, now),
            resolved_on_spot=closed,
            resolved_at=now if closed else None,
            closed_at=now if closed else None,
            worker_confirmed_by=created_by if closed else None,
            worker_confirmed_at=now if closed else None,
            demand=demand,
            client_key=client_key,
            client_digest=client_digest,
        )
        detail = {
            "channel": channel,
            "priority": priority,
            "department": department.code,
            "repeat_of": ticket.repeat_of_id,
        }
        ticket.transition_event(
            Transition(action="create", old=Status.NEW, new=ticket.status, actor=created_by, at=now, detail=detail)
        )
        if routed:
            ticket_routed_notify(ticket, subcategory)
        audit_record(
            action="ticket.create",
            actor=created_by,
            request=request,
            obj=ticket,
            detail={"channel": channel, "subcategory": subcategory.code},
        )
    return ticket


def ticket_create_once(
    *,
    client_key: str,
    created_by: User,
    description: str,
    subcategory: Subcategory,
    priority: str | None = None,
    household: Household | None = None,
    channel: str,
    request: HttpRequest | None = None,
) -> tuple[Ticket, bool]:
    """ticket_create at most once per (user, client key): (ticket, created).

    A retry of the same request, also one racing the first at the same moment, gets the first
    ticket back and creates nothing (core.idempotency; the database's unique constraint decides).
    The same key with another description, sub-category, priority or household is a Conflict:
    the client reused a key it should have renewed, and which request it meant is unknowable.
    """
    # A keyed hash, so that the stored digest cannot be matched against guessed descriptions.
    asked = json.dumps([description.strip(), subcategory.code, priority or "", household.pk if household else None])
    digest = blind_index(asked, purpose="ticket_request")
    ticket, created = create_once(
        find=lambda: Ticket.objects.filter(created_by=created_by, client_key=client_key).first(),
        create=lambda: ticket_create(
            channel=channel,
            description=description,
            subcategory=subcategory,
            priority=priority,
            household=household,
            created_by=created_by,
            client_key=client_key,
            client_digest=digest,
            request=request,
        ),
    )
    if not created and ticket.client_digest != digest:
        raise Conflict(
            "idempotency_key_reused",
            _("This Idempotency-Key was already used for a different ticket; send a new key."),
        )
    return ticket, created
