"""The acknowledgement ladder of an alarm's P1 ticket, with the clock held: before, at and after
each due time exactly one rung (never skipped, never doubled, also when the sweep runs twice);
acknowledgement stops it; arrival on site is recorded; repeats never start a second ladder."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from qiaomen.accounts.scopes import place_scope
from qiaomen.core.errors import Conflict
from qiaomen.devices.acknowledgements import ack_acknowledge, ack_on_site, ack_sweep, alarms_waiting
from qiaomen.devices.events import device_event_ingest
from qiaomen.devices.models.acknowledgements import AckRung, AckStatus, AlarmAcknowledgement
from qiaomen.devices.tests.helpers import event, make_device, make_vendor
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Notification, Ticket, TicketEvent

T0 = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
STEP = dt.timedelta(minutes=5)


def _alarm(s: SmallStreet) -> AlarmAcknowledgement:
    vendor = make_vendor()
    device = make_device(s, vendor)
    device.backup_contacts.add(s.users["building_chief"])
    with time_machine.travel(T0, tick=False):
        device_event_ingest(vendor=vendor, event=event("e1"), via="webhook")
    return AlarmAcknowledgement.objects.get()


def _rung(ack: AlarmAcknowledgement) -> int:
    ack.refresh_from_db()
    return ack.rung


def _steps() -> list[int]:
    return [row.detail["rung"] for row in TicketEvent.objects.filter(action="device_ack_escalated").order_by("pk")]


def _told(s: SmallStreet, key: str) -> int:
    return Notification.objects.filter(user=s.users[key], text__contains="escalated").count() + (
        Notification.objects.filter(user=s.users[key], text__contains="升级").count()
    )


@pytest.mark.django_db
def test_an_alarm_starts_the_timer_at_the_grid_worker(small_street: SmallStreet) -> None:
    ack = _alarm(small_street)
    assert (ack.status, ack.rung, ack.started_at, ack.due_at) == (AckStatus.WAITING, AckRung.GRID_WORKER, T0, T0 + STEP)


@pytest.mark.django_db
def test_the_ladder_climbs_one_rung_per_due_time_before_at_and_after_each(small_street: SmallStreet) -> None:
    s = small_street
    ack = _alarm(s)
    for rung in (1, 2, 3):
        due = T0 + rung * STEP
        assert ack_sweep(now=due - dt.timedelta(seconds=1)) == 0
        assert _rung(ack) == rung - 1
        assert ack_sweep(now=due) == 1
        assert ack_sweep(now=due) == 0  # the sweep running twice raises nothing more
        assert ack_sweep(now=due + dt.timedelta(seconds=30)) == 0
        assert _rung(ack) == rung
    assert ack.due_at is None  # the top of the ladder: nothing further
    assert ack_sweep(now=T0 + 10 * STEP) == 0
    assert _steps() == [1, 2, 3]
    assert _told(s, "building_chief") == 1  # backup contact, at rung 1
    assert _told(s, "community_staff") == 1  # community duty officer, at rung 2
    assert _told(s, "street_admin") == 1  # street command centre, at rung 3
    assert _told(s, "worker_b") == 0 and _told(s, "supervisor") == 0


@pytest.mark.django_db
def test_a_late_sweep_climbs_each_passed_rung_once_never_skipping(small_street: SmallStreet) -> None:
    ack = _alarm(small_street)
    assert ack_sweep(now=T0 + 2 * STEP + dt.timedelta(seconds=10)) == 2
    assert _rung(ack) == 2 and ack.due_at == T0 + 3 * STEP
    assert _steps() == [1, 2]


@pytest.mark.django_db
def test_a_sweep_holding_a_stale_row_does_not_raise_it_twice(small_street: SmallStreet) -> None:
    from qiaomen.devices.acknowledgements import _climb

    ack = _alarm(small_street)
    stale = AlarmAcknowledgement.objects.select_related("ticket", "device").get(pk=ack.pk)
    assert ack_sweep(now=T0 + STEP) == 1
    assert _climb(stale, T0 + STEP) is False
    assert _rung(ack) == 1 and _steps() == [1]


@pytest.mark.django_db
def test_acknowledgement_stops_the_ladder_and_on_site_is_recorded(small_street: SmallStreet) -> None:
    s = small_street
    ack = _alarm(s)
    assert ack_sweep(now=T0 + STEP) == 1
    ack.refresh_from_db()
    worker = s.users["worker_a"]
    ack_acknowledge(ack=ack, user=worker, now=T0 + STEP + dt.timedelta(seconds=40))
    ack.refresh_from_db()
    assert (ack.status, ack.acknowledged_by, ack.acknowledged_at) == (
        AckStatus.ACKNOWLEDGED,
        worker,
        T0 + STEP + dt.timedelta(seconds=40),
    )
    assert ack.due_at is None
    assert ack_sweep(now=T0 + 5 * STEP) == 0 and _rung(ack) == 1
    with pytest.raises(Conflict):
        ack_acknowledge(ack=ack, user=worker)
    ack_on_site(ack=ack, user=s.users["building_chief"], now=T0 + 4 * STEP)
    ack.refresh_from_db()
    assert (ack.status, ack.on_site_by, ack.on_site_at) == (AckStatus.ON_SITE, s.users["building_chief"], T0 + 4 * STEP)
    assert ack.acknowledged_by == worker  # kept
    actions = list(TicketEvent.objects.filter(ticket=ack.ticket).values_list("action", flat=True).order_by("pk"))
    assert actions[-3:] == ["device_ack_escalated", "device_ack_acknowledged", "device_ack_on_site"]


@pytest.mark.django_db
def test_arriving_unacknowledged_acknowledges_too(small_street: SmallStreet) -> None:
    s = small_street
    ack = _alarm(s)
    ack_on_site(ack=ack, user=s.users["worker_a"], now=T0 + dt.timedelta(minutes=3))
    ack.refresh_from_db()
    assert ack.status == AckStatus.ON_SITE and ack.acknowledged_at == ack.on_site_at == T0 + dt.timedelta(minutes=3)
    assert ack_sweep(now=T0 + 3 * STEP) == 0


@pytest.mark.django_db
def test_repeated_alarms_joining_the_ticket_start_no_second_ladder(small_street: SmallStreet) -> None:
    ack = _alarm(small_street)
    vendor = ack.device.vendor
    with time_machine.travel(T0 + dt.timedelta(minutes=2), tick=False):
        device_event_ingest(vendor=vendor, event=event("e2"), via="webhook")
        device_event_ingest(vendor=vendor, event=event("e3"), via="mqtt")
    assert AlarmAcknowledgement.objects.count() == 1
    assert AlarmAcknowledgement.objects.get().due_at == T0 + STEP  # the repeats did not restart the clock
    assert ack_sweep(now=T0 + STEP) == 1 and _steps() == [1]


@pytest.mark.django_db
def test_alarms_waiting_lists_the_unacknowledged_alarms_of_a_scope(small_street: SmallStreet) -> None:
    s = small_street
    ack = _alarm(s)
    assert list(alarms_waiting(place_scope(s.users["street_admin"]))) == [ack]
    assert list(alarms_waiting(place_scope(s.users["worker_b"]))) == []
    ack_acknowledge(ack=ack, user=s.users["worker_a"])
    assert list(alarms_waiting(place_scope(s.users["street_admin"]))) == []


@pytest.mark.django_db
def test_a_ticket_closed_meanwhile_climbs_no_further(small_street: SmallStreet) -> None:
    ack = _alarm(small_street)
    assert ack_sweep(now=T0 + STEP) == 1
    Ticket.objects.filter(pk=ack.ticket_id).update(status="closed")  # handled some other way
    assert ack_sweep(now=T0 + 3 * STEP) == 0
    assert _rung(ack) == 1


@pytest.mark.django_db
def test_an_alarm_whose_ticket_was_closed_waits_no_more(small_street: SmallStreet) -> None:
    ack = _alarm(small_street)
    scope = place_scope(small_street.users["street_admin"])
    assert list(alarms_waiting(scope)) == [ack]
    Ticket.objects.filter(pk=ack.ticket_id).update(status="closed")  # handled some other way
    assert list(alarms_waiting(scope)) == []
