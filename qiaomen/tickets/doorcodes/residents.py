"""What the resident page behind a door code may read and write.

What a code may see: a household code sees its household's demands, a person code (a lodger in a
shared flat, a relative who lives elsewhere) only that person's, so unrelated people under one
roof do not read each other's demands.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from qiaomen.accounts.models import Department
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, InvalidInput, NotFound
from qiaomen.core.photos import photos_clean
from qiaomen.registry.models import DoorCode, DoorCodeSubmission
from qiaomen.tickets.classification import Suggestion, suggest
from qiaomen.tickets.models import OPEN_STATUSES, Channel, Priority, Status, Subcategory, Ticket
from qiaomen.tickets.selectors import ticket_rated_since_resolution
from qiaomen.tickets.services import RATING_LINK_DAYS, description_clean, rating_link_issue
from qiaomen.tickets.services.intake import ticket_from_text

# How many of a code's demands the resident page lists, newest first.
RESIDENT_LIST_SIZE = 30
# A merged ticket points at the one it was merged into; chains are short, this bounds a cycle.
MAX_MERGE_HOPS = 5
# "An optional photo": one per demand from the resident page.
MAX_RESIDENT_PHOTOS = 1


def door_code_tickets(code: DoorCode) -> QuerySet[Ticket]:
    """The demands a code may see: its household's, or for a person code that person's."""
    tickets = (
        Ticket.objects.filter(person=code.person_id)
        if code.person_id
        else Ticket.objects.filter(household=code.household_id)
    )
    return tickets.select_related("subcategory").order_by("-created_at", "-pk")


# The columns the resident's list reads (a ticket row is wide; the page is opened on every scan).
LISTED_FIELDS = (
    "row_key",  # the description is opened with it
    "subcategory__name",
    "status",
    "created_at",
    "resolve_by",
    "resolved_at",
    "rated_at",
    "description",
    "channel",
    # A merged demand shows the ticket it joined: read with it, not one query per merged line.
    "merged_into__subcategory__name",
    "merged_into__status",
    "merged_into__resolve_by",
    "merged_into__merged_into",
)


@dataclass(frozen=True)
class DemandRow:
    """One line of the resident's list: nothing that names or locates anyone."""

    pk: int
    subcategory: str
    status: str  # a Status value: the shown ticket's (for a merged demand, the one it joined)
    created_at: dt.datetime
    resolve_by: dt.datetime | None
    excerpt: str  # the resident's own words (QR demands only), truncated by the template
    merged: bool
    can_rate: bool


def door_code_demands(code: DoorCode, *, now: dt.datetime) -> list[DemandRow]:
    """The newest RESIDENT_LIST_SIZE demands the code may see, as the resident page lists them."""
    rows = []
    listed = door_code_tickets(code).select_related("merged_into__subcategory").only(*LISTED_FIELDS)
    for ticket in listed[:RESIDENT_LIST_SIZE]:
        shown = ticket_shown_for(ticket)
        rows.append(
            DemandRow(
                pk=ticket.pk,
                subcategory=shown.subcategory.name,
                status=shown.status,
                created_at=ticket.created_at,
                resolve_by=shown.resolve_by if shown.status in OPEN_STATUSES else None,
                # Words written by staff on a visit may hold notes about the family: only the
                # resident's own text comes back to the page.
                excerpt=ticket.description if ticket.channel == Channel.QR else "",
                merged=shown.pk != ticket.pk,
                can_rate=door_code_ticket_ratable(ticket, now=now),
            )
        )
    return rows


def ticket_shown_for(ticket: Ticket) -> Ticket:
    """What the resident sees of a merged ticket: the ticket it was merged into (followed a few hops)."""
    shown = ticket
    for _ in range(MAX_MERGE_HOPS):
        if shown.merged_into is None:
            break
        shown = shown.merged_into
    return shown


def ticket_rating_open(ticket: Ticket, *, now: dt.datetime) -> bool:
    """The resident may rate a result once per resolution, within the rating link's lifetime."""
    return (
        ticket.status in (Status.RESOLVED, Status.CLOSED)
        and ticket.resolved_at is not None
        and ticket.resolved_at >= now - dt.timedelta(days=RATING_LINK_DAYS)
        and not ticket_rated_since_resolution(ticket)
    )


def door_code_ticket_ratable(ticket: Ticket, *, now: dt.datetime) -> bool:
    """The QR page offers rating this demand: a merged one is rated through the ticket it was
    merged into, by that ticket's household."""
    return ticket.merged_into_id is None and ticket_rating_open(ticket, now=now)


def door_code_rating_link(*, code: DoorCode, ticket_pk: int, request: HttpRequest | None = None) -> str:
    """A one-time rating link for one of the code's resolved demands (the tickets issue's flow)."""
    ticket = door_code_tickets(code).filter(pk=ticket_pk).first()
    if ticket is None:
        raise NotFound("ticket_not_found", gettext("This demand was not found."))
    if not door_code_ticket_ratable(ticket, now=timezone.now()):
        raise Conflict(
            "rating_not_open", gettext("This demand cannot be rated now: it is not resolved yet or has been rated.")
        )
    with transaction.atomic():
        token = rating_link_issue(ticket=ticket)
        audit_record(
            action="ticket.rating_link",
            actor_name="resident",
            request=request,
            obj=ticket,
            detail={"door_code": code.pk},
        )
    return token


# Suggested sub-categories whose text is health information (PIPL art. 28: sensitive personal
# information, kept only with separate consent).
HEALTH_CODES = frozenset({"LIF-MED", "LIF-PSY", "EMG-HEALTH"})
# Kept instead of the resident's words when they decline: the demand still reaches a person.
HEALTH_WITHHELD = (
    "居民通过二维码反映了可能涉及健康的诉求，但未同意保存健康信息，原文和照片均未保存。请网格员电话或上门了解。"
)


@dataclass(frozen=True)
class ResidentDemand:
    text: str
    photos: list[bytes]
    # The id the page put into the form when it was loaded: one ticket per id.
    submission_id: uuid.UUID
    callback_phone: str = ""
    health_consent: bool = False
    # The page has already asked for consent once for this text: declining now is an answer.
    health_asked: bool = False


def door_code_submitted(*, code: DoorCode, submission_id: uuid.UUID) -> Ticket | None:
    """The ticket a form with this id already made through this code, if any."""
    first = DoorCodeSubmission.objects.filter(door_code=code, submission_id=submission_id).select_related("ticket")
    row = first.first()
    return row.ticket if row is not None else None


def resident_demand_submit(
    *,
    code: DoorCode,
    demand: ResidentDemand,
    request: HttpRequest | None = None,
    subcategory: Subcategory | None = None,
    department: Department | None = None,
) -> tuple[Ticket, bool]:
    """A resident's demand through the QR page becomes a ticket of the code's household (and
    person); returns (ticket, created). The same submission id again is answered with the first
    ticket and created False: the id is claimed by a unique row in the ticket's transaction, so
    of two requests at once (two taps, two server processes) the second waits for the first and
    finds its ticket.

    Health information: when the text reads as health care, counselling or a medical emergency
    and the consent box is not ticked, the page asks once before anything is stored. If the
    resident still declines, the demand is kept without their words or photo (HEALTH_WITHHELD,
    sub-category as suggested) so that a person calls back. An emergency (a fall, someone
    unconscious …) is never held back for a tick: it is stored as written, without consent, as
    PIPL art. 13(4) allows to protect someone's life and health.
    Photos are checked (content, size) before anything is created.

    A page that knows what is asked (a service from the menu) passes its `subcategory` and the
    `department` that handles it; the health rule above still reads the resident's words.
    """
    text = description_clean(demand.text)
    photos_clean(
        demand.photos,
        room=MAX_RESIDENT_PHOTOS,
        too_many=gettext("At most %(limit)s photos can be uploaded at a time.") % {"limit": MAX_RESIDENT_PHOTOS},
    )
    suggestion = suggest(text)
    description, photos, chosen = text, demand.photos, subcategory
    known: Suggestion | None = suggestion
    health = suggestion.code in HEALTH_CODES
    if health and not demand.health_consent and not suggestion.emergency and suggestion.priority != Priority.P1:
        if not demand.health_asked:
            raise InvalidInput(
                "health_consent_needed",
                gettext(
                    "Your demand may contain health information. Tick “I agree to keep my health "
                    "information” and submit again; if you do not agree, just submit again: we keep "
                    "only the category, not your text or photos, and a grid worker will contact you."
                ),
            )
        # The suggestion's words came from the withheld text: intake classifies the note instead.
        description, photos, known = HEALTH_WITHHELD, [], None
        chosen = chosen or Subcategory.objects.filter(code=suggestion.code, retired=False).first()
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = DoorCodeSubmission.objects.create(
                    door_code=code, submission_id=demand.submission_id, created_at=timezone.now()
                )
        except IntegrityError:
            claim = None
        if claim is not None:
            ticket = ticket_from_text(
                channel=Channel.QR,
                description=description,
                household=code.household,
                person=code.person,
                door_code=code,
                callback_phone=demand.callback_phone,
                health_consent=demand.health_consent,
                subcategory=chosen,
                department=department,
                photos=photos,
                suggestion=known,
                request=request,
            )
            claim.ticket = ticket
            claim.save(update_fields=["ticket"])
            return ticket, True
    first = door_code_submitted(code=code, submission_id=demand.submission_id)
    if first is None:  # the other request failed and rolled back meanwhile
        raise Conflict("submission_retry", gettext("The submission did not finish; please submit again."))
    return first, False
