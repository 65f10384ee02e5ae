"""A phone's batch of visits with their demands (visits_record_batch_with_tickets): each demand
becomes a ticket as on a visit sent alone, a resent batch makes none twice, and an unknown
category refuses the whole batch before anything is written."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from qiaomen.core.errors import InvalidInput
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Status, Ticket
from qiaomen.tickets.services.visit_demands import visits_record_batch_with_tickets
from qiaomen.visits.models import Demand, Outcome, Visit
from qiaomen.visits.recording import DemandInput, VisitInput

NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)
ANSWERS = {"health": "良好", "safety": "安全"}


def _items(street: SmallStreet, *demands: DemandInput) -> list[VisitInput]:
    h = street.household_a
    return [
        VisitInput(h, uuid.uuid4(), NOW - dt.timedelta(hours=3), Outcome.NOT_HOME),
        VisitInput(h, uuid.uuid4(), NOW - dt.timedelta(hours=2), Outcome.MET, answers=ANSWERS, demands=demands),
    ]


def _send(street: SmallStreet, items: list[VisitInput]) -> list[tuple[Visit, bool]]:
    with time_machine.travel(NOW, tick=False):
        return visits_record_batch_with_tickets(worker=street.users["worker_a"], items=items)


@pytest.mark.django_db
def test_each_demand_of_a_batch_becomes_a_ticket_once(small_street: SmallStreet) -> None:
    items = _items(
        small_street,
        DemandInput("老人腿脚不便，希望每天有人送饭", subcategory_code="LIF-MEAL"),
        DemandInput("咨询医保报销比例，已当场解答", resolved_on_spot=True, subcategory_code="POL-SOC"),
    )
    first = _send(small_street, items)
    again = _send(small_street, items)
    assert [created for _, created in first] == [True, True] and [created for _, created in again] == [False, False]
    tickets = list(Ticket.objects.order_by("pk"))
    assert [(t.subcategory.code, t.status, t.channel) for t in tickets] == [
        ("LIF-MEAL", Status.ROUTED, "visit"),
        ("POL-SOC", Status.CLOSED, "visit"),
    ]
    assert {t.demand.visit_id for t in tickets if t.demand} == {first[1][0].pk}


@pytest.mark.django_db
def test_an_unknown_category_refuses_the_batch_and_writes_nothing(small_street: SmallStreet) -> None:
    with pytest.raises(InvalidInput) as refused:
        _send(small_street, _items(small_street, DemandInput("送饭", subcategory_code="LIF-XXX")))
    assert refused.value.code == "subcategory_unknown"
    assert not Visit.objects.exists() and not Demand.objects.exists() and not Ticket.objects.exists()
