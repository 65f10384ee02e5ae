"""A small street with the six hand-checked tickets of test_ticket_figures, two special-group
households (one per grid) and one visit: the figures every targets test checks by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from qiaomen.analytics.periods import period_parse
from qiaomen.analytics.tests.test_ticket_figures import T0, _create, make_six_tickets
from qiaomen.testing import SmallStreet, make_person, visit_at
from qiaomen.tickets.models import Channel
from qiaomen.visits.models import Outcome

NOVEMBER = period_parse("2026-11")


def visit(street: SmallStreet, *, grid: str, when: dt.datetime, outcome: str = Outcome.MET) -> None:
    household = street.household_a if grid == "a" else street.household_b
    visit_at(worker=street.users[f"worker_{grid}"], household=household, when=when, outcome=outcome)


@pytest.fixture
def target_street(small_street: SmallStreet) -> SmallStreet:
    """Tickets (all in November 2026): grid A 1 on the spot (visit), 2 rated 5 (visit, accepted
    after 2 h), 3 rated 2 → reopened (qr, after 4 h), 4 a repeat, open (staff); grid B 5 rated 4
    (visit, after 30 h), 6 open (api). Special households: household_a (grid A, met on 3
    November), household_b (grid B, refused on 4 November: not covered). One October ticket in
    grid B stays out of November's figures."""
    make_person(small_street.household_b, "孙玉珍", tags=("chronic",))
    make_six_tickets(small_street)
    with time_machine.travel(T0 - dt.timedelta(days=20), tick=False):
        _create(small_street, Channel.API, household="household_b")
    visit(small_street, grid="a", when=dt.datetime(2026, 11, 3, 2, tzinfo=dt.UTC))
    visit(small_street, grid="b", when=dt.datetime(2026, 11, 4, 2, tzinfo=dt.UTC), outcome=Outcome.REFUSED)
    return small_street
