"""The sweep is scheduled in huey and does its work when the consumer runs it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create
from qiaomen.tickets.tasks import escalation_sweep_every_minute


def test_the_sweep_is_a_periodic_task_every_minute() -> None:
    periodic = {task.name for task in HUEY.read_periodic(dt.datetime(2026, 11, 30, 10, 7))}
    assert "escalation_sweep_every_minute" in periodic


@pytest.mark.django_db
def test_the_task_escalates_overdue_tickets(small_street: SmallStreet) -> None:
    start = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        ticket = ticket_create(
            channel=Channel.STAFF,
            description="有人摔倒",
            household=small_street.household_a,
            subcategory=Subcategory.objects.get(code="EMG-HEALTH"),
        )
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        escalation_sweep_every_minute.call_local()
    assert Ticket.objects.get(pk=ticket.pk).escalation_level == 1
