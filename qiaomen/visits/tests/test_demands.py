"""Demands raised on a visit become proactive tickets (R-TIC-1, issue 4 item 8)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from qiaomen.core.errors import InvalidInput
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Status, Ticket
from qiaomen.tickets.services.visit_demands import visit_record_with_tickets
from qiaomen.visits.models import Demand, Outcome
from qiaomen.visits.recording import DemandInput

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)


def _visit(street: SmallStreet, *demands: DemandInput) -> None:
    with time_machine.travel(NOW, tick=False):
        visit_record_with_tickets(
            worker=street.users["worker_a"],
            household=street.household_a,
            client_uuid=uuid.uuid4(),
            visited_at=NOW,
            outcome=Outcome.MET,
            answers={"health": "良好", "safety": "安全"},
            demands=list(demands),
        )


def test_a_demand_with_a_chosen_subcategory_reaches_its_department(small_street: SmallStreet) -> None:
    _visit(small_street, DemandInput("老人腿脚不便，希望每天有人送饭", subcategory_code="LIF-MEAL"))
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.department.code, ticket.status) == (Channel.VISIT, "minzheng", Status.ROUTED)
    assert ticket.demand == Demand.objects.get()


def test_without_a_choice_the_keywords_suggest_one(small_street: SmallStreet) -> None:
    _visit(small_street, DemandInput("楼道路灯坏了一个月"))
    assert Ticket.objects.get().subcategory.code == "LIF-FAC"


def test_a_demand_resolved_on_the_spot_is_a_closed_ticket(small_street: SmallStreet) -> None:
    _visit(small_street, DemandInput("咨询医保报销比例，已当场解答", resolved_on_spot=True, subcategory_code="POL-SOC"))
    ticket = Ticket.objects.get()
    assert ticket.status == Status.CLOSED and ticket.resolved_on_spot
    assert ticket.worker_confirmed_by == small_street.users["worker_a"]


def test_a_demand_no_keyword_fits_waits_for_staff_to_classify(small_street: SmallStreet) -> None:
    _visit(small_street, DemandInput("有件事想跟社区说一下"))
    assert Demand.objects.filter(ticket__isnull=True).count() == 1 and Ticket.objects.count() == 0


def test_an_unknown_subcategory_code_is_refused_and_records_nothing(small_street: SmallStreet) -> None:
    with pytest.raises(InvalidInput) as error:
        _visit(small_street, DemandInput("送饭", subcategory_code="LIF-XXX"))
    assert error.value.code == "subcategory_unknown"
    assert Demand.objects.count() == 0 and Ticket.objects.count() == 0
