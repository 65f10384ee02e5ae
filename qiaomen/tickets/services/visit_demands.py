"""Demands raised on a visit become proactive tickets (R-TIC-1), in the visit's transaction.

Visits sit below tickets: visits.recording records the visit and its demands and knows nothing
of tickets; this is where they meet. A demand the worker gave a sub-category, or that the
classifier is sure of (or hears an emergency in), becomes a ticket at once; the others wait,
as unticketed demands, for community staff to classify.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.registry.models import Household
from qiaomen.tickets import classification
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.selectors import active_subcategories
from qiaomen.tickets.services.routing import ticket_create
from qiaomen.visits.models import Demand, Visit
from qiaomen.visits.recording import DemandInput, VisitInput, demands_clean, visit_record, visits_record_batch


def visit_record_with_tickets(
    *,
    worker: User,
    household: Household,
    demands: list[DemandInput] | None = None,
    request: HttpRequest | None = None,
    **visit: Any,
) -> tuple[Visit, bool]:
    """visits.recording.visit_record, and a ticket for each of its demands that has a sub-category,
    all or nothing. Every demand's sub-category is checked before anything is written; a resent
    visit (created False) makes no ticket twice."""
    cleaned = demands_clean(demands or [])
    subcategories = [demand_subcategory(demand) for demand in cleaned]
    # Most visits raise no demand with a sub-category: visit_record's own transaction is the
    # whole write, and it checks the visit before opening it (on SQLite, before taking the write
    # lock). Tickets to make need one transaction around the visit and them.
    makes_tickets = any(subcategory is not None for subcategory in subcategories)
    with transaction.atomic() if makes_tickets else nullcontext():
        recorded, created = visit_record(worker=worker, household=household, demands=cleaned, request=request, **visit)
        if created and makes_tickets:
            for demand, subcategory in zip(recorded.demands.order_by("pk"), subcategories, strict=True):
                if subcategory is not None:
                    demand_ticket_create(demand=demand, subcategory=subcategory, worker=worker, request=request)
    return recorded, created


def visits_record_batch_with_tickets(
    *, worker: User, items: Sequence[VisitInput], request: HttpRequest | None = None
) -> list[tuple[Visit, bool]]:
    """visits.recording.visits_record_batch (a phone's queue at once), and a ticket for each
    demand of each new visit as visit_record_with_tickets makes them; all or nothing. A resent
    visit makes no ticket twice."""
    cleaned = [replace(item, demands=tuple(demands_clean(item.demands))) for item in items]
    chosen: dict[str, Subcategory | None] = {}  # a worker's day asks for the same few categories

    def subcategory_of(demand: DemandInput) -> Subcategory | None:
        key = demand.subcategory_code or f"text:{demand.text}"
        if key not in chosen:
            chosen[key] = demand_subcategory(demand)
        return chosen[key]

    subcategories = [[subcategory_of(demand) for demand in item.demands] for item in cleaned]
    with transaction.atomic():
        recorded = visits_record_batch(worker=worker, items=cleaned, request=request)
        new = [
            (visit, subs) for (visit, created), subs in zip(recorded, subcategories, strict=True) if created and subs
        ]
        demands = Demand.objects.filter(visit__in=[visit for visit, _ in new]).order_by("pk")
        by_visit: dict[int, list[Demand]] = {}
        for demand in demands:
            by_visit.setdefault(demand.visit_id, []).append(demand)
        for visit, subs in new:
            for demand, subcategory in zip(by_visit[visit.pk], subs, strict=True):
                if subcategory is not None:
                    demand_ticket_create(demand=demand, subcategory=subcategory, worker=worker, request=request)
    return recorded


def demand_subcategory(demand: DemandInput) -> Subcategory | None:
    """The sub-category the worker chose, or the classifier's when it is sure (or hears an
    emergency); None leaves the demand for community staff to classify."""
    if demand.subcategory_code:
        subcategory = active_subcategories().filter(code=demand.subcategory_code).first()
        if subcategory is None:
            raise InvalidInput(
                "subcategory_unknown",
                _("The category “%(code)s” does not exist or is retired.") % {"code": demand.subcategory_code},
            )
        return subcategory
    suggestion = classification.suggest(demand.text)
    if suggestion.confidence < settings.CLASSIFIER_MIN_CONFIDENCE and not suggestion.is_emergency:
        return None
    return active_subcategories().get(code=suggestion.code)


def demand_ticket_create(
    *, demand: Demand, subcategory: Subcategory, worker: User, request: HttpRequest | None = None
) -> Ticket:
    """A demand raised on a visit becomes a proactive ticket; one resolved on the spot is closed
    at creation with the worker's confirmation (R-TIC-1, R-TIC-6)."""
    if Ticket.objects.filter(demand=demand).exists():
        raise Conflict("demand_already_ticketed", _("A ticket has already been created for this demand."))
    return ticket_create(
        channel=Channel.VISIT,
        description=demand.text,
        subcategory=subcategory,
        household=demand.household,
        created_by=worker,
        demand=demand,
        resolved_on_spot=demand.resolved_on_spot,
        request=request,
    )
