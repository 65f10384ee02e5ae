"""Door-knocking meetings (敲门议事会): holding one, its attendees and minutes, its decisions, and
a decision that opens a ticket through the tickets domain's staff intake (channel "staff"), the
same path as a demand entered at the community office. The decision keeps the ticket; the ticket
reaches its decision back through `ticket.meeting_decision`."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.workdays import CHINA
from qiaomen.participation.activities.places import organiser_check, place_check
from qiaomen.participation.models.activities import Meeting, MeetingAttendee, MeetingDecision, ResidentGroup
from qiaomen.places.models import Community, Grid
from qiaomen.registry.models import Household, Person
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services.intake import ticket_from_text

MAX_TEXT = 3000  # a decision and its heading still fit in a ticket (4000)
MAX_LINE = 120  # a title or a place: the columns' length


def _text(value: str, *, code: str, message: str, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidInput(code, message)
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{code}_too_long", _("At most 3000 characters."))
    return value


def meeting_create(
    *,
    user: User,
    community: Community,
    title: str,
    held_at: dt.datetime,
    agenda: str,
    grid: Grid | None = None,
    group: ResidentGroup | None = None,
    location: str = "",
    request: HttpRequest | None = None,
) -> Meeting:
    place_check(user=user, community=community, grid=grid)
    if group is not None and group.community_id != community.pk:
        raise InvalidInput("group_not_in_community", _("The group belongs to another community."))
    title, location = title.strip(), location.strip()
    if len(title) > MAX_LINE or len(location) > MAX_LINE:
        raise InvalidInput("text_too_long", _("The title and the place take 120 characters at most."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            community=community,
            grid=grid,
            group=group,
            title=_text(title, code="title_required", message=_("Give the meeting a title.")),
            held_at=held_at,
            location=location,
            agenda=_text(agenda, code="agenda_required", message=_("Write the agenda.")),
            created_by=user,
        )
        audit_record(action="meeting.create", actor=user, request=request, obj=meeting)
    return meeting


def meeting_minutes_save(*, meeting: Meeting, user: User, minutes: str, request: HttpRequest | None = None) -> Meeting:
    organiser_check(user)
    meeting.minutes = _text(minutes, code="minutes", message="", required=False)
    with transaction.atomic():
        meeting.save(update_fields=["minutes", "updated_at"])
        audit_record(action="meeting.minutes", actor=user, request=request, obj=meeting)
    return meeting


def meeting_attendee_add(
    *,
    meeting: Meeting,
    household: Household,
    user: User,
    person: Person | None = None,
    request: HttpRequest | None = None,
) -> MeetingAttendee:
    """A household (of the user's places: the caller looked it up through the registry's scope)."""
    organiser_check(user)
    if person is not None and person.household_id != household.pk:
        raise InvalidInput("person_not_in_household", _("This person does not live in that household."))
    duplicate = Conflict("attendee_duplicate", _("This household is already on the attendance list."))
    try:
        with transaction.atomic():
            if MeetingAttendee.objects.filter(meeting=meeting, household=household).exists():
                raise duplicate
            attendee = MeetingAttendee.objects.create(meeting=meeting, household=household, person=person)
            audit_record(
                action="meeting.attendee",
                actor=user,
                request=request,
                obj=meeting,
                detail={"household": household.pk},
            )
    except IntegrityError:
        raise duplicate from None
    return attendee


def meeting_decision_add(
    *, meeting: Meeting, user: User, text: str, request: HttpRequest | None = None
) -> MeetingDecision:
    organiser_check(user)
    with transaction.atomic():
        decision = MeetingDecision.objects.create(
            meeting=meeting,
            text=_text(text, code="decision_required", message=_("Write what was decided.")),
            created_at=timezone.now(),
            created_by=user,
        )
        audit_record(action="meeting.decision", actor=user, request=request, obj=decision)
    return decision


def decision_ticket_open(
    *,
    decision: MeetingDecision,
    user: User,
    grid: Grid | None = None,
    subcategory: Subcategory | None = None,
    priority: str | None = None,
    request: HttpRequest | None = None,
) -> Ticket:
    """The decision as a staff-entered ticket in the meeting's grid (or the grid given for a
    community's meeting); once only."""
    if not user.can(Capability.CREATE_TICKETS):
        raise Forbidden("may_not_create_tickets", _("You may not create tickets."))
    meeting = decision.meeting
    if decision.ticket_id is not None:
        raise Conflict(
            "decision_has_ticket", _("This decision has already opened ticket #%(pk)s.") % {"pk": decision.ticket_id}
        )
    grid = meeting.grid or grid
    if grid is None:
        raise InvalidInput("decision_grid_needed", _("Choose the grid where the work is to be done."))
    if grid.community_id != meeting.community_id:
        raise InvalidInput("grid_not_in_community", _("The grid is not in this community."))
    if grid.pk not in place_scope(user).all_grid_ids:
        raise Forbidden("place_not_yours", _("This grid is not one of your places."))
    held = meeting.held_at.astimezone(CHINA).strftime("%Y-%m-%d")
    description = f"【敲门议事会决议】{meeting.title}（{held}）：{decision.text}"
    with transaction.atomic():
        ticket = ticket_from_text(
            channel=Channel.STAFF,
            description=description,
            grid=grid,
            created_by=user,
            subcategory=subcategory,
            priority=priority,
            request=request,
        )
        if not MeetingDecision.objects.filter(pk=decision.pk, ticket__isnull=True).update(ticket=ticket):
            raise Conflict("decision_has_ticket", _("This decision has already opened a ticket."))
        audit_record(
            action="meeting.decision_ticket", actor=user, request=request, obj=decision, detail={"ticket": ticket.pk}
        )
    decision.ticket = ticket
    return ticket
