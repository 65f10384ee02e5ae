"""R-TIC-5: overdue tickets escalate one level per sweep, once, whoever runs the sweep."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Notification, Status, Subcategory, Ticket
from qiaomen.tickets.services import ticket_accept, ticket_confirm, ticket_create, ticket_resolve
from qiaomen.tickets.services.escalation import escalation_sweep

MONDAY_10 = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)


def _ticket(street: SmallStreet, code: str) -> Ticket:
    with time_machine.travel(MONDAY_10, tick=False):
        return ticket_create(
            channel=Channel.STAFF,
            description="测试工单",
            subcategory=Subcategory.objects.get(code=code),
            household=street.household_a,
            created_by=street.users["worker_a"],
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "deadline"),
    [("LIF-MEAL", dt.timedelta(hours=2)), ("EMG-HEALTH", dt.timedelta(minutes=30))],
)
def test_unaccepted_ticket_escalates_after_not_before_its_deadline(
    small_street: SmallStreet, code: str, deadline: dt.timedelta
) -> None:
    ticket = _ticket(small_street, code)
    minute = dt.timedelta(minutes=1)
    assert escalation_sweep(now=MONDAY_10 + deadline - minute).escalated == 0
    assert escalation_sweep(now=MONDAY_10 + deadline).escalated == 1
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1
    assert escalation_sweep(now=MONDAY_10 + deadline + minute).escalated == 0, "one step per deadline"
    assert ticket.events.filter(action="escalate").count() == 1
    assert Notification.objects.filter(user=small_street.users["community_staff"], ticket=ticket).exists()


@pytest.mark.django_db
def test_an_accepted_p3_ticket_escalates_when_not_started_in_three_working_days(small_street: SmallStreet) -> None:
    ticket = _ticket(small_street, "POL-EDU")
    with time_machine.travel(MONDAY_10 + dt.timedelta(minutes=10), tick=False):
        ticket = ticket_accept(ticket=Ticket.objects.get(pk=ticket.pk), user=small_street.users["street_admin"])
    start_by = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)  # Thursday 10:00, three working days later
    assert ticket.start_by == start_by and ticket.escalate_after == start_by
    assert escalation_sweep(now=start_by - dt.timedelta(minutes=1)).escalated == 0
    assert escalation_sweep(now=start_by).escalated == 1


@pytest.mark.django_db
def test_levels_climb_to_the_joint_meeting_and_stop(small_street: SmallStreet) -> None:
    ticket = _ticket(small_street, "EMG-HEALTH")
    moment = MONDAY_10
    for expected in (1, 2, 3):
        moment += dt.timedelta(minutes=30)
        escalation_sweep(now=moment)
        ticket.refresh_from_db()
        assert ticket.escalation_level == expected
    assert ticket.escalate_after is None
    assert escalation_sweep(now=moment + dt.timedelta(days=1)).escalated == 0


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_escalate_each_ticket_once(small_street: SmallStreet) -> None:
    tickets = [_ticket(small_street, "LIF-MEAL") for _ in range(30)]
    barrier = threading.Barrier(2)
    results: list[int] = []

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(escalation_sweep(now=MONDAY_10 + dt.timedelta(hours=3)).escalated)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 30
    assert set(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("escalation_level", flat=True)) == {1}


@pytest.mark.django_db
def test_a_confirmed_ticket_left_unrated_for_a_week_is_closed(small_street: SmallStreet) -> None:
    ticket = _ticket(small_street, "LIF-MEAL")
    with time_machine.travel(MONDAY_10 + dt.timedelta(minutes=5), tick=False):
        ticket = ticket_accept(ticket=ticket, user=small_street.users["dept_handler"])
        ticket, _ = ticket_resolve(ticket=ticket, user=small_street.users["dept_handler"], note="已办")
        ticket_confirm(ticket=ticket, user=small_street.users["worker_a"])
    assert escalation_sweep(now=MONDAY_10 + dt.timedelta(days=6)).closed == 0
    assert escalation_sweep(now=MONDAY_10 + dt.timedelta(days=7, minutes=5)).closed == 1
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


@pytest.mark.django_db
def test_the_command_runs_the_sweep(small_street: SmallStreet, capsys: pytest.CaptureFixture[str]) -> None:
    _ticket(small_street, "LIF-MEAL")
    with time_machine.travel(MONDAY_10 + dt.timedelta(hours=3), tick=False):
        call_command("escalation_sweep")
    assert "升级 1 张工单" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_p1_window_is_configurable(small_street: SmallStreet, settings: object) -> None:
    settings.TICKET_P1_ESCALATE_MINUTES = 10  # type: ignore[attr-defined]
    ticket = _ticket(small_street, "EMG-SAFE")
    assert ticket.accept_by == MONDAY_10 + dt.timedelta(minutes=10)
    assert escalation_sweep(now=MONDAY_10 + dt.timedelta(minutes=9)).escalated == 0
    assert escalation_sweep(now=MONDAY_10 + dt.timedelta(minutes=10)).escalated == 1
