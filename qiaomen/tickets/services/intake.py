"""A demand in a resident's own words becomes a ticket: classified, and routed or held for a person.

Every channel that receives free text (the QR page, Open311, staff entry) calls
`ticket_from_text`. The classifier's suggestion is stored on the ticket as it was
(Ticket.suggestion), so that a person's decision can be compared with it and kept as training
data (ClassificationCorrection) by `ticket_classify`.

- An emergency signal forces P1, routes at once whatever the confidence, and alerts the grid
  worker(s) of the place (the community staff when the grid has none).
- A confident suggestion is routed to the suggested sub-category's department.
- A doubtful one stays NEW, with the suggestion's sub-category and department for now, in the
  review queue of the place's community staff and street admin (tickets_to_review).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import Department, User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.transitions import claim_transition
from qiaomen.places.models import Grid
from qiaomen.registry.models import Household, Person
from qiaomen.tickets import classification
from qiaomen.tickets.models import ClassificationCorrection, PhotoKind, Priority, Status, Subcategory, Ticket
from qiaomen.tickets.selectors import deadlines_for, tickets_for_user
from qiaomen.tickets.services.notifications import community_staff, grid_workers, notify, ticket_routed_notify
from qiaomen.tickets.services.photos import ticket_photos_add
from qiaomen.tickets.services.routing import description_clean, ticket_create
from qiaomen.tickets.services.transitions import ticket_transition

# Routed tickets whose sub-category a person may still correct: no handler has taken them yet.
CORRECTABLE_STATUSES = frozenset({Status.ROUTED, Status.TRANSFERRED})


def _grid_community_staff(grid_id: int | None) -> list[User]:
    """The staff of the community the grid belongs to (none without a grid)."""
    community_id = Grid.objects.filter(pk=grid_id).values_list("community_id", flat=True).first() if grid_id else None
    if community_id is None:
        return []
    return community_staff({community_id}).get(community_id, [])


def _emergency_alert(ticket: Ticket, signals: list[str]) -> None:
    """ticket_create told the grid workers of a P1 already; with no grid worker in the grid,
    the community's staff are told instead, so that somebody goes at once."""
    if grid_workers(ticket.grid_id).exists():
        return
    notify(
        _grid_community_staff(ticket.grid_id),
        ticket=ticket,
        text=f"紧急求助 #{ticket.pk}（{'、'.join(signals)}）：本网格没有网格员，请立即处理",
    )


def _subcategory(code: str) -> Subcategory:
    return Subcategory.objects.select_related("department").get(code=code)


def ticket_from_text(
    *,
    channel: str,
    description: str,
    household: Household | None = None,
    person: Person | None = None,
    grid: Grid | None = None,
    created_by: User | None = None,
    door_code: Any = None,
    callback_phone: str = "",
    health_consent: bool = False,
    subcategory: Subcategory | None = None,
    department: Department | None = None,
    priority: str | None = None,
    photos: list[bytes] | None = None,
    suggestion: classification.Suggestion | None = None,
    request: HttpRequest | None = None,
) -> Ticket:
    """Classify the text, store the suggestion, and route or hold the ticket (module docstring).

    A caller that knows the sub-category already (an Open311 service_code, a person at the
    staff entry page) passes it; the suggestion is still stored and an emergency still forces
    P1. A caller that has just classified this very text (the QR page, for its consent rule)
    passes its `suggestion` rather than have it computed twice. A caller that knows who handles
    it (a partner's menu service) passes the `department` with the sub-category.
    Bad input raises InvalidInput (from ticket_create or the photo check) and leaves nothing.
    """
    text = description_clean(description)  # before classifying: no work for an oversized text
    if priority is not None and priority not in Priority.values:
        raise InvalidInput("priority_invalid", _("Invalid priority."))
    if suggestion is None:
        suggestion = classification.suggest(text)
    emergency = suggestion.is_emergency
    # A P1 from the caller (staff who judged it urgent) or from an alarm goes out at once; a P1
    # that is only an unsure EMG-* suggestion's default ("你好") waits for a person.
    urgent = emergency or priority == Priority.P1
    chosen_by_caller = subcategory is not None
    if subcategory is None:
        subcategory = _subcategory(suggestion.code)
    if emergency:
        priority = Priority.P1
    elif priority is None:
        # The sub-category's default, raised by urgent words (今天, 马上 …) to P2 at most.
        priority = classification.priority_for(default=subcategory.default_priority, text=text, emergency=False)
    if person is not None and household is None:
        household = person.household
    if grid is None and household is not None:
        grid = household.building.grid
    confident = suggestion.confidence >= settings.CLASSIFIER_MIN_CONFIDENCE
    # Nobody could review a ticket without a place (tickets are scoped by grid): it is routed.
    route = chosen_by_caller or confident or urgent or grid is None
    with transaction.atomic():
        ticket = ticket_create(
            channel=channel,
            description=text,
            subcategory=subcategory,
            priority=priority,
            household=household,
            person=person,
            grid=grid,
            created_by=created_by,
            department=department,
            route=route,
            request=request,
        )
        ticket.suggestion = suggestion.as_json()
        ticket.callback_phone = callback_phone.strip()
        ticket.health_consent = health_consent
        ticket.door_code = door_code
        ticket.save(update_fields=["suggestion", "callback_phone", "health_consent", "door_code"])
        if photos:
            ticket_photos_add(ticket=ticket, user=created_by, raws=photos, kind=PhotoKind.REPORT)
        if emergency:
            _emergency_alert(ticket, suggestion.emergency)
        elif not route:
            # A held demand has no deadline yet, so the sweep cannot chase it: the people who
            # decide are told at once, or it could wait unseen in the queue.
            notify(
                _grid_community_staff(ticket.grid_id),
                ticket=ticket,
                text=f"待确认分类 #{ticket.pk}：系统建议“{subcategory.name}”，请在“待分类”中确认或更正",
            )
    return ticket


def may_classify(user: User, ticket: Ticket) -> bool:
    """Community staff and street admins (CLASSIFY_TICKETS), within their places."""
    return (
        user.is_authenticated
        and user.can(Capability.CLASSIFY_TICKETS)
        and ticket.grid_id is not None
        and ticket.grid_id in place_scope(user).all_grid_ids
    )


def may_correct(user: User, ticket: Ticket) -> bool:
    """The ticket is still the classifier's business (NEW, or routed and not yet taken), and the
    user is one who decides it."""
    waiting = ticket.status == Status.NEW or (ticket.status in CORRECTABLE_STATUSES and ticket.handler_id is None)
    return waiting and may_classify(user, ticket)


def tickets_to_review(user: User) -> QuerySet[Ticket]:
    """The review queue: demands of the user's places the classifier was unsure of, oldest first."""
    if not user.is_authenticated or not user.can(Capability.CLASSIFY_TICKETS):
        return Ticket.objects.none()
    return (
        tickets_for_user(user)
        .filter(status=Status.NEW)
        .select_related("subcategory", "department", "grid", "household__building")
        .order_by("created_at", "pk")
    )


def ticket_classify(
    *, ticket: Ticket, user: User, subcategory: Subcategory, priority: str, request: HttpRequest | None = None
) -> Ticket:
    """A person's decision on a ticket's sub-category and priority, kept as a correction.

    A NEW ticket (held for review) is routed to the chosen sub-category's department, its
    deadlines starting now. A routed ticket that no handler has accepted yet is re-classified
    in place; a change of department gives the new one its own time to accept, as a transfer
    does. Anything further along is the handlers' business (transfer), a Conflict here.
    """
    if not may_classify(user, ticket):
        raise Forbidden(
            "not_ticket_classifier",
            _("Only staff of the ticket's community or a street administrator can confirm its category."),
        )
    if priority not in Priority.values:
        raise InvalidInput("priority_invalid", _("Invalid priority."))
    if subcategory.retired:
        raise InvalidInput("subcategory_retired", _("This category is retired; choose another one."))
    subcategory = _subcategory(subcategory.code)
    now = timezone.now()
    suggested = ticket.suggestion or {}
    with transaction.atomic():
        if ticket.status == Status.NEW:
            deadlines = deadlines_for(routed_at=now, priority=priority)
            ticket = ticket_transition(
                ticket=ticket,
                action="route",
                actor=user,
                request=request,
                updates={
                    "subcategory": subcategory,
                    "priority": priority,
                    "department": subcategory.department,
                    "routed_at": now,
                    "accept_by": deadlines.accept_by,
                    "start_by": deadlines.start_by,
                    "resolve_by": deadlines.resolve_by,
                },
                detail={"subcategory": subcategory.code, "priority": priority, "classified": True},
            )
            ticket_routed_notify(ticket, subcategory)
        elif ticket.status in CORRECTABLE_STATUSES and ticket.handler_id is None:
            ticket = _reclassify(ticket=ticket, user=user, subcategory=subcategory, priority=priority, now=now)
        else:
            raise Conflict(
                "ticket_not_classifiable",
                _("The ticket is “%(status)s”: a department has accepted it, so the department must transfer it.")
                % {"status": ticket.get_status_display()},
                status=ticket.status,
            )
        ClassificationCorrection.objects.create(
            ticket=ticket,
            text=ticket.description,
            suggested_code=str(suggested.get("code", "")),
            suggested_priority=str(suggested.get("priority", "")),
            confidence=suggested.get("confidence"),
            subcategory=subcategory,
            priority=priority,
            corrected_by=user,
            corrected_at=now,
        )
        audit_record(
            action="ticket.classify",
            actor=user,
            request=request,
            obj=ticket,
            detail={"subcategory": subcategory.code, "priority": priority, "suggested": suggested.get("code", "")},
        )
    return ticket


def _reclassify(*, ticket: Ticket, user: User, subcategory: Subcategory, priority: str, now: Any) -> Ticket:
    """A routed ticket no handler has taken yet gets another sub-category or priority in place."""
    moved = subcategory.department_id != ticket.department_id
    routed_at = now if moved else ticket.routed_at or ticket.created_at
    deadlines = deadlines_for(routed_at=routed_at, priority=priority)
    # No handler yet (checked by the caller); an accept since then bumped the version: a 409.
    ticket = claim_transition(
        row=ticket,
        to_state=None,
        action="classify",
        actor=user,
        changes={
            "subcategory": subcategory,
            "priority": priority,
            "department": subcategory.department,
            "routed_at": routed_at,
            **deadlines.columns(status=ticket.status),
        },
        detail={"from": [ticket.subcategory.code, ticket.priority], "to": [subcategory.code, priority]},
        from_states=CORRECTABLE_STATUSES,
        at=now,
    )
    if moved or priority == Priority.P1:
        ticket_routed_notify(ticket, subcategory)
    return ticket
