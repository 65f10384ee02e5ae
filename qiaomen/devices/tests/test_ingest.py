"""The ingest service: idempotent event ids, an alarm's P1 ticket for the device's grid worker,
repeated alarms collapsing into it for 10 minutes (also when they race), heartbeats, low battery."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from qiaomen.core.errors import InvalidInput
from qiaomen.devices.events import device_event_ingest
from qiaomen.devices.models.devices import Device, DeviceEvent, DeviceStatus, EventOutcome
from qiaomen.devices.tests.helpers import event, make_device, make_vendor
from qiaomen.testing import SmallStreet, at_once
from qiaomen.tickets.models import Channel, Notification, Ticket, TicketEvent

T0 = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_an_alarm_opens_a_p1_emg_ticket_for_the_devices_grid_worker(small_street: SmallStreet) -> None:
    s = small_street
    vendor = make_vendor()
    device = make_device(s, vendor)

    result = device_event_ingest(vendor=vendor, event=event("e1", "alarm_fall"), via="webhook")

    ticket = Ticket.objects.get()
    assert result.created and result.event.outcome == EventOutcome.OPENED and result.event.ticket == ticket
    assert (ticket.priority, ticket.subcategory.code, ticket.channel) == ("P1", "EMG-HEALTH", Channel.DEVICE)
    assert ticket.household == s.household_a and ticket.grid == s.grid_a and ticket.person == s.elder_a
    shown = TicketEvent.objects.get(ticket=ticket, action="device_alarm")
    assert shown.detail["serial"] == "WB-001" and shown.detail["event_id"] == "e1"
    assert shown.detail["grid_worker"] == s.users["worker_a"].pk
    assert "WB-001" in shown.reason and "跌倒告警" in shown.reason
    assert Notification.objects.filter(user=s.users["worker_a"], ticket=ticket).exists()
    assert not Notification.objects.filter(user=s.users["worker_b"]).exists()
    device.refresh_from_db()
    assert device.alarm_ticket == ticket and device.alarm_count == 1


@pytest.mark.django_db
def test_a_gas_alarm_goes_to_emg_safe(small_street: SmallStreet) -> None:
    vendor = make_vendor()
    make_device(small_street, vendor, serial="GS-1", kind="gas_sensor")
    device_event_ingest(vendor=vendor, event=event("g1", "alarm_gas", serial="GS-1"), via="mqtt")
    assert Ticket.objects.get().subcategory.code == "EMG-SAFE"


@pytest.mark.django_db
def test_a_retry_of_the_same_event_id_returns_the_first_result_and_creates_nothing(small_street: SmallStreet) -> None:
    vendor = make_vendor()
    make_device(small_street, vendor)
    first = device_event_ingest(vendor=vendor, event=event("e1"), via="webhook")
    again = device_event_ingest(vendor=vendor, event=event("e1"), via="mqtt")
    assert not again.created and again.event.pk == first.event.pk
    assert again.as_json() == {**first.as_json(), "duplicate": True}
    assert Ticket.objects.count() == 1 and DeviceEvent.objects.count() == 1


@pytest.mark.django_db
def test_repeated_alarms_within_ten_minutes_join_the_open_ticket_and_a_later_one_opens_a_new(
    small_street: SmallStreet,
) -> None:
    vendor = make_vendor()
    device = make_device(small_street, vendor)
    with time_machine.travel(T0, tick=False):
        first = device_event_ingest(vendor=vendor, event=event("e1"), via="webhook")
    with time_machine.travel(T0 + dt.timedelta(minutes=6), tick=False):
        second = device_event_ingest(vendor=vendor, event=event("e2", "alarm_sos"), via="webhook")
    with time_machine.travel(T0 + dt.timedelta(minutes=16), tick=False):
        third = device_event_ingest(vendor=vendor, event=event("e3"), via="webhook")
    with time_machine.travel(T0 + dt.timedelta(minutes=26, seconds=1), tick=False):
        fourth = device_event_ingest(vendor=vendor, event=event("e4"), via="webhook")

    ticket = first.event.ticket
    assert ticket is not None and second.event.ticket == ticket and third.event.ticket == ticket
    assert (second.event.outcome, second.event.repeat_number, third.event.repeat_number) == ("joined", 2, 3)
    repeats = list(TicketEvent.objects.filter(ticket=ticket, action="device_alarm_repeat"))
    assert len(repeats) == 2 and "第 3 次告警" in repeats[-1].reason and "WB-001" in repeats[-1].reason
    assert fourth.event.outcome == EventOutcome.OPENED and fourth.event.ticket != ticket
    assert Ticket.objects.count() == 2
    device.refresh_from_db()
    assert device.alarm_count == 4 and device.alarm_ticket == fourth.event.ticket


@pytest.mark.django_db(transaction=True)
def test_alarms_racing_from_one_device_open_one_ticket(small_street: SmallStreet) -> None:
    vendor = make_vendor()
    make_device(small_street, vendor)
    copies = 6
    # Half of them retries of one event, half distinct alarms: one ticket, four events.
    ids = ["same", "same", "same", "b", "c", "d"]
    results = at_once(copies, lambda index: device_event_ingest(vendor=vendor, event=event(ids[index]), via="mqtt"))
    assert Ticket.objects.count() == 1
    assert DeviceEvent.objects.count() == 4
    assert sum(result.created for result in results) == 4
    assert sorted(DeviceEvent.objects.values_list("repeat_number", flat=True)) == [1, 2, 3, 4]
    assert Device.objects.get().alarm_count == 4


@pytest.mark.django_db
def test_a_closed_alarm_ticket_is_not_joined(small_street: SmallStreet) -> None:
    vendor = make_vendor()
    make_device(small_street, vendor)
    first = device_event_ingest(vendor=vendor, event=event("e1"), via="webhook")
    Ticket.objects.filter(pk=first.event.ticket_id or 0).update(status="closed")
    second = device_event_ingest(vendor=vendor, event=event("e2"), via="webhook")
    assert second.event.outcome == EventOutcome.OPENED and Ticket.objects.count() == 2


@pytest.mark.django_db
def test_heartbeats_record_life_and_a_low_battery_opens_one_p3(small_street: SmallStreet) -> None:
    vendor = make_vendor()
    device = make_device(small_street, vendor)
    with time_machine.travel(T0, tick=False):
        device_event_ingest(vendor=vendor, event=event("h1", "heartbeat", battery=80), via="mqtt")
    device.refresh_from_db()
    assert (device.last_heartbeat_at, device.battery) == (T0, 80)
    assert not Ticket.objects.exists()

    low = device_event_ingest(vendor=vendor, event=event("h2", "battery", battery=15), via="mqtt")
    device_event_ingest(vendor=vendor, event=event("h3", "heartbeat", battery=12), via="mqtt")
    ticket = Ticket.objects.get()
    assert ticket.priority == "P3" and low.event.ticket == ticket
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")
    device_event_ingest(vendor=vendor, event=event("h4", "heartbeat", battery=10), via="mqtt")
    assert Ticket.objects.filter(priority="P3").count() == 2


@pytest.mark.django_db
def test_bad_events_and_unknown_or_retired_devices_store_nothing(small_street: SmallStreet) -> None:
    vendor = make_vendor()
    device = make_device(small_street, vendor)
    bad = [
        ({"device": "WB-001", "kind": "alarm_fall"}, "event_id_invalid"),
        (event("x", "explode"), "kind_invalid"),
        (event("x", "heartbeat", battery=101), "battery_invalid"),
        (event("x", occurred_at="yesterday"), "occurred_at_invalid"),
        (event("x", serial="NOPE"), "unknown_device"),
    ]
    for payload, code in bad:
        with pytest.raises(InvalidInput) as raised:
            device_event_ingest(vendor=vendor, event=payload, via="webhook")
        assert raised.value.code == code
    Device.objects.filter(pk=device.pk).update(status=DeviceStatus.RETIRED)
    with pytest.raises(InvalidInput) as retired:
        device_event_ingest(vendor=vendor, event=event("y"), via="webhook")
    assert retired.value.code == "device_retired"
    assert not DeviceEvent.objects.exists() and not Ticket.objects.exists()
