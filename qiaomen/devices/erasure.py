"""What a resident's deletion request erases in the devices area: the free text of the incidents
recorded at their household (the description, the reasons in the incident's timeline) and of the
department ticket an incident opened (its description quotes the incident's).

An incident belongs to a household and a place, not to one member, so, like a visit's notes, its
words cannot be split by person: all of the household's go. What counts stays: the incident, its
kind, place, times and status, so incident counts and response times are the same after.

Connected to tickets.rights.erasure.person_erased in DevicesConfig.ready(): the rights erasure
lives below this layer and cannot call it by name. It runs inside the erasure's transaction.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qiaomen.accounts.models import User
from qiaomen.core.models import TransitionEvent
from qiaomen.core.transitions import claim_transition
from qiaomen.devices.models import Incident
from qiaomen.registry.models import Household
from qiaomen.tickets.models import Ticket
from qiaomen.tickets.rights.erasure import tickets_erase


def household_incidents_erase(*, household: Household, user: User, request: HttpRequest | None = None) -> int:
    """Blank the free text of the household's incidents and of their tickets; returns the incidents changed."""
    changed = 0
    incidents = list(Incident.objects.filter(household=household).order_by("pk"))
    for incident in incidents:
        history = TransitionEvent.objects.filter(object_type=incident._meta.label_lower, object_id=str(incident.pk))
        blanked = history.exclude(reason="").update(reason="")
        had_text = bool(incident.description)
        if had_text:
            claim_transition(
                row=incident, to_state=None, action="erase", actor=user, changes={"description": ""}, request=request
            )
        changed += 1 if blanked or had_text else 0
    ticket_ids = [incident.ticket_id for incident in incidents if incident.ticket_id]
    tickets_erase(tickets=Ticket.objects.filter(pk__in=ticket_ids), user=user, request=request)
    return changed


def on_person_erased(
    *, household: Household | None, user: User, request: HttpRequest | None = None, **_: Any
) -> dict[str, int]:
    """The receiver of person_erased: the count joins the rights request's outcome detail."""
    if household is None:
        return {"incidents": 0}
    return {"incidents": household_incidents_erase(household=household, user=user, request=request)}
