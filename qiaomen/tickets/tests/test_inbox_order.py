"""tickets.inbox reads an inbox a page at a time in exactly the order that tickets_by_deadline
gives in one query: overdue first (late, or escalated with its next deadline still ahead), then
the rest by deadline (none last), then by number; for every page size and page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.paginator import Paginator

from qiaomen.testing import SmallStreet
from qiaomen.tickets.inbox import InboxOrder
from qiaomen.tickets.models import PENDING_Q, Priority, Status, Ticket
from qiaomen.tickets.selectors import inbox_pending, tickets_by_deadline
from qiaomen.tickets.services import ticket_accept, ticket_resolve
from qiaomen.web.tests.ticket_helpers import make_ticket

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def _inbox(street: SmallStreet) -> list[Ticket]:
    """Tickets of every kind an inbox holds, several sharing a deadline, made over a day."""
    handler = street.users["dept_handler"]
    made: list[Ticket] = []
    for hours in (0, 0, 1, 3, 5, 26):
        with time_machine.travel(NOW + dt.timedelta(hours=hours), tick=False):
            made.append(make_ticket(street))
            made.append(make_ticket(street, priority=Priority.P1))
            made.append(make_ticket(street, grid_b=True))
    with time_machine.travel(NOW + dt.timedelta(hours=26, minutes=5), tick=False):
        ticket_accept(ticket=made[0], user=handler)
        ticket_accept(ticket=made[3], user=handler)
        ticket_resolve(ticket=made[3], user=handler, note="已送餐")  # waits for the worker: pending
    # Escalated once, its next deadline still ahead: overdue all the same.
    Ticket.objects.filter(pk=made[-1].pk).update(escalation_level=1)
    # A pending ticket with no deadline at all sorts last in its part.
    Ticket.objects.filter(pk=made[-2].pk).update(escalate_after=None)
    return made


@pytest.mark.parametrize("per_page", [1, 2, 3, 5, 7, 50])
def test_every_page_is_the_one_query_orders_page(small_street: SmallStreet, per_page: int) -> None:
    _inbox(small_street)
    now = NOW + dt.timedelta(hours=27)
    admin = small_street.users["street_admin"]
    expected = list(tickets_by_deadline(inbox_pending(admin), now=now).values_list("pk", flat=True))
    order = InboxOrder(inbox_pending(admin), now=now)
    overdue = list(order.overdue.values_list("pk", flat=True))
    assert 0 < len(overdue) < len(expected), "the street has overdue and other pending tickets"
    assert Ticket.objects.filter(PENDING_Q, status=Status.RESOLVED).exists()
    pages = Paginator(order, per_page)
    assert pages.count == len(expected)
    shown = [ticket.pk for number in pages.page_range for ticket in pages.page(number).object_list]
    assert shown == expected
    assert [order[index].pk for index in range(len(expected))] == expected
    assert [ticket.pk for ticket in order] == expected


def test_a_page_reads_only_its_part_while_the_overdue_part_lasts(
    small_street: SmallStreet, django_assert_num_queries: object
) -> None:
    _inbox(small_street)
    order = InboxOrder(inbox_pending(small_street.users["street_admin"]), now=NOW + dt.timedelta(hours=27))
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert len(order[0:2]) == 2
    overdue = order.overdue.count()
    with django_assert_num_queries(2):  # type: ignore[operator]  # the overdue part ends here, the rest begins
        assert len(order[overdue - 1 : overdue + 1]) == 2
    second_of_the_rest = [ticket.pk for ticket in order.rest[1:2]]
    with django_assert_num_queries(3):  # type: ignore[operator]  # past the overdue part: its count, then the rest
        page = order[overdue + 1 : overdue + 2]
    assert [ticket.pk for ticket in page] == second_of_the_rest


def test_a_page_outside_the_inbox_is_empty_and_a_bad_slice_refused(small_street: SmallStreet) -> None:
    _inbox(small_street)
    order = InboxOrder(inbox_pending(small_street.users["street_admin"]), now=NOW + dt.timedelta(hours=27))
    assert order[1000:1010] == []
    with pytest.raises(IndexError):
        order[1000]
    with pytest.raises(ValueError, match="page"):
        order[0:10:2]
    with pytest.raises(ValueError, match="page"):
        order[5:]
