"""Builders for the rights-request tests: a request in progress, a person with visits and tickets."""

from __future__ import annotations

import uuid

from django.utils import timezone

from qiaomen.registry.models import Person, RightsChannel, RightsRequest
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.rights.requests import rights_request_receive, rights_request_start
from qiaomen.tickets.services import ticket_create
from qiaomen.visits.models import Outcome, Visit


def received(street: SmallStreet, person: Person, kind: str, *, by: str = "worker_a") -> RightsRequest:
    assert person.household is not None
    row, _ = rights_request_receive(
        household=person.household,
        person=person,
        kind=kind,
        channel=RightsChannel.STAFF,
        text="请把我的电话改成新号码",
        received_by=street.users[by],
    )
    return row


def in_progress(street: SmallStreet, person: Person, kind: str, *, by: str = "worker_a") -> RightsRequest:
    return rights_request_start(rights_request=received(street, person, kind, by=by), user=street.users[by])


def visit_with_notes(street: SmallStreet, person: Person, notes: str, *, outcome: str = Outcome.MET) -> Visit:
    assert person.household is not None
    now = timezone.now()
    return Visit.objects.create(
        client_uuid=uuid.uuid4(),
        household=person.household,
        grid=person.household.building.grid,
        worker=street.users["worker_a"],
        visited_at=now,
        received_at=now,
        outcome=outcome,
        notes=notes,
        answers={"health": notes, "lives_alone": True, "score": 3},
    )


def ticket_about(street: SmallStreet, person: Person, description: str, code: str = "LIF-MEAL") -> Ticket:
    return ticket_create(
        channel=Channel.STAFF,
        description=description,
        subcategory=Subcategory.objects.get(code=code),
        household=person.household,
        person=person,
        created_by=street.users["worker_a"],
    )
