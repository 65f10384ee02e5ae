"""*delete*: a person anonymised together with the free text of their visits and tickets.

What counts stays: the person's row (no name, ID number, phone, address or notes), their
household, every visit and ticket with its category, status, times and priority, so that
ticket counts, categories, statuses, visit counts and household counts are the same before and
after. What was written goes: visit notes and written answers, demands, the tickets'
descriptions, resolution notes, call-back phones, the classifier's quoted words, the reasons in
the tickets' timelines (a resident's rating comment is one), the classification corrections
that copied the text as training data, and the photos of their tickets and of their household's
visits (a photo may show them or their home). All in one transaction: whole or not at all; the
photo files go once it commits.
"""

from __future__ import annotations

from typing import cast

from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import Forbidden
from qiaomen.core.transitions import claim_transition
from qiaomen.registry.models import Person, RightsKind, RightsRequest
from qiaomen.registry.person_edit import person_erase
from qiaomen.tickets.models import ClassificationCorrection, Ticket, TicketEvent, TicketPhoto
from qiaomen.tickets.retention import photos_remove
from qiaomen.tickets.rights.requests import carried_out, close_done
from qiaomen.tickets.services.photos import ticket_photo_path
from qiaomen.visits.erasure import household_visits_erase
from qiaomen.visits.models import VisitPhoto
from qiaomen.visits.photos import visit_photo_path

# Erasing is irreversible: it is for the staff who may also import and merge people's files.
ERASE_RIGHTS = Capability.IMPORT

# Sent with person, household (or None), user and request; each receiver returns a dict of
# counts ({"incidents": 2}) that joins the request's outcome detail.
person_erased = Signal()


def person_tickets_erase(*, person: Person, user: User, request: HttpRequest | None = None) -> int:
    """Blank the free text of the person's tickets; each keeps an "erase" step in its timeline."""
    return tickets_erase(tickets=Ticket.objects.filter(person=person), user=user, request=request)


def tickets_erase(*, tickets: QuerySet[Ticket], user: User, request: HttpRequest | None = None) -> int:
    """Blank the free text of these tickets (their timelines' reasons too); returns how many."""
    erased = 0
    for ticket in tickets.order_by("pk"):
        TicketEvent.objects.filter(ticket=ticket).exclude(reason="").update(reason="")
        ClassificationCorrection.objects.filter(ticket=ticket).delete()
        suggestion = {**ticket.suggestion, "words": [], "emergency": []} if ticket.suggestion else {}
        claim_transition(
            row=ticket,
            to_state=None,
            action="erase",
            actor=user,
            changes={"description": "", "resolution_note": "", "callback_phone": "", "suggestion": suggestion},
            request=request,
        )
        erased += 1
    return erased


def rights_request_erase(
    *, rights_request: RightsRequest, user: User, person_version: int, request: HttpRequest | None = None
) -> RightsRequest:
    """Carry out a deletion request; `person_version` is the file's version the staff member saw."""
    if not (user.can(Capability.EDIT_REGISTRY) and user.can(ERASE_RIGHTS)):
        raise Forbidden("rights_erase_not_allowed", _("You are not allowed to delete a person's information."))
    person = carried_out(rights_request, RightsKind.DELETE)
    with transaction.atomic():
        person_erase(person=person, user=user, version=person_version, request=request)
        tickets = person_tickets_erase(person=person, user=user, request=request)
        visits = household_visits_erase(household=rights_request.household) if person.household_id else 0
        photos = photos_remove(TicketPhoto.objects.filter(ticket__person=person), ticket_photo_path)
        if person.household_id:
            household_photos = VisitPhoto.objects.filter(visit__household=rights_request.household)
            photos += photos_remove(household_photos, visit_photo_path)
        counts = {"tickets": tickets, "visits": visits, "photos": photos}
        household = rights_request.household if person.household_id else None
        for _receiver, extra in person_erased.send(
            sender=Person, person=person, household=household, user=user, request=request
        ):
            counts.update(cast(dict[str, int], extra))
        outcome = _("Anonymised; free text erased from %(tickets)s ticket(s) and %(visits)s visit(s).") % counts
        return close_done(rights_request, user=user, outcome=outcome, request=request, detail=counts)
