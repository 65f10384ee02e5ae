from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Priority, Ticket
from qiaomen.tickets.services import ticket_accept, ticket_confirm, ticket_resolve
from qiaomen.web.tests.ticket_helpers import make_ticket

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def _listed(client: Client) -> list[int]:
    page = client.get(reverse("web:ticket_inbox")).context["page"]
    return [ticket.pk for ticket in page]


def test_overdue_tickets_come_first_then_by_deadline(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    with time_machine.travel(NOW, tick=False):
        late = make_ticket(small_street)  # P2: must be accepted within 2 hours
    with time_machine.travel(NOW + dt.timedelta(hours=2, minutes=30), tick=False):
        urgent = make_ticket(small_street, priority=Priority.P1)  # 30 minutes to accept
        later = make_ticket(small_street)
        assert _listed(client_as("dept_handler")) == [late.pk, urgent.pk, later.pk]
        response = client_as("dept_handler").get(reverse("web:ticket_inbox"))
    assert "逾期" in response.content.decode() or "overdue" in response.content.decode()


def test_the_inbox_holds_only_the_handlers_department(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    mine = make_ticket(small_street)
    make_ticket(small_street, code="POL-EDU")  # 教育
    assert _listed(client_as("dept_handler")) == [mine.pk]


def test_the_grid_worker_sees_the_tickets_of_their_grid(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    mine = make_ticket(small_street)
    make_ticket(small_street, grid_b=True)
    assert _listed(client_as("worker_a")) == [mine.pk]


def test_the_inbox_costs_the_same_queries_for_1_or_10_tickets(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    client = client_as("dept_handler")
    make_ticket(small_street)
    client.get(reverse("web:ticket_inbox"))  # the session's first queries are not the page's
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("web:ticket_inbox")).status_code == 200
    for _ in range(9):
        make_ticket(small_street, code="LIF-MEAL")
    with CaptureQueriesContext(connection) as ten:
        client.get(reverse("web:ticket_inbox"))
    assert len(ten) == len(one)


def test_roles_without_tickets_are_refused(client_as: Callable[[str], Client]) -> None:
    assert client_as("auditor").get(reverse("web:ticket_inbox")).status_code == 403


def test_a_resolved_ticket_waits_in_the_workers_list_until_confirmed(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    ticket = make_ticket(small_street)
    handler = small_street.users["dept_handler"]
    ticket_resolve(ticket=ticket_accept(ticket=ticket, user=handler), user=handler, note="已送餐")
    assert _listed(client_as("worker_a")) == [ticket.pk]
    ticket_confirm(ticket=Ticket.objects.get(pk=ticket.pk), user=small_street.users["worker_a"])
    assert _listed(client_as("worker_a")) == []
