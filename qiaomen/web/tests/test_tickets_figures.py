from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet
from qiaomen.tickets.services import ticket_accept
from qiaomen.web.tests.ticket_helpers import make_ticket

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)
PERIOD = {"start": "2026-11-01", "end": "2026-11-30"}


def _rows(client: Client, by: str) -> dict[str, dict]:
    response = client.get(reverse("web:ticket_figures"), {**PERIOD, "by": by})
    assert response.status_code == 200
    return {row["label"]: row for row in response.context["rows"]}


def test_figures_by_community_on_a_small_fixture(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    with time_machine.travel(NOW, tick=False):
        accepted = make_ticket(small_street)
        make_ticket(small_street)
        make_ticket(small_street, grid_b=True, code="LIF-FAC")
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        ticket_accept(ticket=accepted, user=small_street.users["dept_handler"])
        rows = _rows(client_as("street_admin"), "community")
    assert {label: row["tickets"] for label, row in rows.items()} == {"和平社区": 2, "光明社区": 1, "全部": 3} or {
        label: row["tickets"] for label, row in rows.items()
    } == {"和平社区": 2, "光明社区": 1, "All": 3}
    response_cell = rows["和平社区"]["cells"][0]
    assert response_cell["text"] == "1.0" and response_cell["meets"] is True


def test_a_department_sees_only_its_own_tickets(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    with time_machine.travel(NOW, tick=False):
        make_ticket(small_street)
        make_ticket(small_street, grid_b=True, code="LIF-FAC")  # 住建
        rows = _rows(client_as("dept_handler"), "department")
    assert [row["tickets"] for row in rows.values()] == [1, 1]  # 民政, and the total
