"""Every ticket figure on a hand-made set of six tickets, checked by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from qiaomen.analytics.ticket_figures import ticket_figures, ticket_figures_total
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services import (
    ticket_accept,
    ticket_confirm,
    ticket_create,
    ticket_rate,
    ticket_resolve,
)

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
NOVEMBER = (dt.datetime(2026, 10, 31, 16, tzinfo=dt.UTC), dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC))


def _create(
    street: SmallStreet, channel: str, household: str = "household_a", *, resolved_on_spot: bool = False
) -> Ticket:
    return ticket_create(
        channel=channel,
        description="诉求",
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=getattr(street, household),
        created_by=street.users["worker_a"],
        resolved_on_spot=resolved_on_spot,
    )


def _accept_resolve_rate(street: SmallStreet, ticket: Ticket, after_hours: float, score: int | None) -> Ticket:
    handler = street.users["dept_handler"]
    with time_machine.travel(ticket.created_at + dt.timedelta(hours=after_hours), tick=False):
        ticket = ticket_accept(ticket=ticket, user=handler)
        ticket, token = ticket_resolve(ticket=ticket, user=handler, note="已办")
        if ticket.grid == street.grid_a:
            ticket = ticket_confirm(ticket=ticket, user=street.users["worker_a"])
        if score is not None:
            ticket = ticket_rate(token=token, score=score)
    return ticket


@pytest.fixture
def six_tickets(small_street: SmallStreet) -> SmallStreet:
    return make_six_tickets(small_street)


def make_six_tickets(small_street: SmallStreet) -> SmallStreet:
    """Grid A: 1 on the spot (visit), 2 rated 5 (visit, accepted after 2 h), 3 rated 2 → reopened
    (qr, after 4 h), 4 a repeat of 3 still open and overdue (staff). Grid B: 5 rated 4 (visit,
    after 30 h), 6 open, not overdue yet (api)."""
    with time_machine.travel(T0, tick=False):
        _create(small_street, Channel.VISIT, resolved_on_spot=True)
        two = _create(small_street, Channel.VISIT)
    _accept_resolve_rate(small_street, two, 2, 5)
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        three = _create(small_street, Channel.QR)
    _accept_resolve_rate(small_street, three, 4, 2)
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        _create(small_street, Channel.STAFF)
        five = _create(small_street, Channel.VISIT, household="household_b")
    _accept_resolve_rate(small_street, five, 30, 4)
    with time_machine.travel(T0 + dt.timedelta(days=25), tick=False):
        _create(small_street, Channel.API, household="household_b")
    return small_street


def test_street_figures(six_tickets: SmallStreet) -> None:
    now = T0 + dt.timedelta(days=25, hours=1)
    f = ticket_figures_total(Ticket.objects.all(), start=NOVEMBER[0], end=NOVEMBER[1], now=now)
    assert f.tickets == 6
    assert f.on_spot_rate == 1 / 6
    assert f.completion_rate == 3 / 6  # 1 (closed on the spot), 2 (closed), 5 (resolved, awaiting confirmation)
    assert f.satisfaction == 2 / 3 and f.rating_avg == (5 + 2 + 4) / 3
    # Same household and sub-category within 90 days: 2 repeats 1, 3 repeats 2, 4 repeats 3, 6 repeats 5.
    assert f.repeat_rate == 4 / 6
    assert f.second_complaint_rate == 1 / 4  # of 1, 2, 3 and 5 that reached "resolved", 3 was reopened
    assert f.proactive_share == 3 / 6
    assert f.overdue == 2  # 3 (reopened, its new 2-hour acceptance passed) and 4 (never accepted)
    assert f.response_avg_hours == (2 + 4 + 30) / 3
    assert f.response_p90_hours == 30
    assert f.meets("proactive_share") and f.meets("response_avg_hours")
    assert f.meets("satisfaction") is False and f.meets("repeat_rate") is False


def test_figures_by_grid(six_tickets: SmallStreet) -> None:
    by_grid = ticket_figures(
        Ticket.objects.all(), start=NOVEMBER[0], end=NOVEMBER[1], by="grid", now=T0 + dt.timedelta(days=25, hours=1)
    )
    grid_a, grid_b = by_grid[six_tickets.grid_a.pk], by_grid[six_tickets.grid_b.pk]
    assert (grid_a.tickets, grid_b.tickets) == (4, 2)
    assert grid_b.response_avg_hours == 30 and grid_b.overdue == 0
    assert grid_a.satisfaction == 1 / 2
