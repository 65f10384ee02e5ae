"""The demo year's devices, incidents and emergency plans: lived through the devices services on
the small street of test_history's year (its module fixture, seeded once more for this module)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from qiaomen.accounts.models import User
from qiaomen.core.workdays import CHINA
from qiaomen.demo.tests.test_history import NOW, START, year  # noqa: F401  (the fixture)
from qiaomen.devices.contacts import alarm_contacts
from qiaomen.devices.models import (
    ActivationStatus,
    CheckOutcome,
    EmergencyPlan,
    HouseholdCheck,
    Incident,
    IncidentStatus,
    PlanActivation,
    PlanKind,
)
from qiaomen.devices.models.acknowledgements import AckStatus, AlarmAcknowledgement
from qiaomen.devices.models.devices import Device, DeviceEvent, DeviceStatus, EventOutcome, Vendor
from qiaomen.devices.scope import ticket_alarm_for_user
from qiaomen.registry.models import Person, PersonStatus, PersonTag
from qiaomen.tickets.models import OPEN_STATUSES, Channel, Priority, Status, Ticket, TicketEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("year")]


def test_devices_serve_tagged_households_with_their_grid_worker() -> None:
    devices = list(Device.objects.select_related("household__building", "grid_worker", "registered_by"))
    assert Vendor.objects.count() == 1
    assert 10 <= len(devices) <= 30  # about one per fifteen of the 300 households
    tagged = set(
        PersonTag.objects.filter(tag__code__in=["elder_alone", "elder_80", "disabled"]).values_list(
            "person__household_id", flat=True
        )
    )
    for device in devices:
        assert device.household_id in tagged
        assert device.grid_worker is not None and device.grid_worker.role == "grid_worker"
        assert device.registered_by is not None and device.registered_by.role == "community_staff"
        assert (device.created_at.astimezone(CHINA).date() - START).days < 21
    assert {device.kind for device in devices} >= {"wristband", "sos_button", "gas_sensor"}


def test_alarms_open_p1_tickets_and_repeats_join_them() -> None:
    alarms = DeviceEvent.objects.filter(kind__startswith="alarm_")
    opened = alarms.filter(outcome=EventOutcome.OPENED)
    assert opened.count() >= 4 and alarms.filter(outcome=EventOutcome.JOINED, repeat_number__gte=2).exists()
    assert alarms.filter(kind="alarm_gas").exists() or alarms.filter(kind="alarm_smoke").exists()
    assert set(alarms.values_list("via", flat=True)) == {"webhook"}
    tickets = Ticket.objects.filter(pk__in=opened.values("ticket_id"))
    assert set(tickets.values_list("priority", flat=True)) == {Priority.P1}
    assert set(tickets.values_list("channel", flat=True)) == {Channel.DEVICE}
    # Handled like every ticket: accepted, and most of them resolved.
    assert tickets.exclude(accepted_at=None).exists()
    assert tickets.filter(status__in=[Status.RESOLVED, Status.CLOSED]).exists()
    assert TicketEvent.objects.filter(ticket__in=tickets, action="device_alarm_repeat").exists()
    for event in DeviceEvent.objects.all():
        assert event.received_at.astimezone(CHINA).date() >= START and event.received_at <= NOW


def test_devices_went_offline_came_back_and_batteries_ran_low() -> None:
    offline = TicketEvent.objects.filter(action="device_offline")
    assert offline.count() >= 2
    assert Ticket.objects.filter(pk__in=offline.values("ticket_id"), priority=Priority.P2).count() == offline.count()
    returned = DeviceEvent.objects.filter(kind="heartbeat").values_list("device_id", flat=True)
    offline_devices = set(Device.objects.filter(offline_ticket__isnull=False).values_list("pk", flat=True))
    assert offline_devices and offline_devices <= set(returned)
    assert DeviceEvent.objects.filter(kind="battery", outcome=EventOutcome.OPENED).exists()
    statuses = Counter(Device.objects.values_list("status", flat=True))
    assert statuses == {DeviceStatus.ACTIVE: Device.objects.count()}  # all back and reporting at the end
    latest = Device.objects.order_by("last_heartbeat_at").first()
    assert latest is not None and latest.last_heartbeat_at is not None
    assert NOW - latest.last_heartbeat_at < dt.timedelta(hours=1)


def test_incidents_exist_in_several_states_and_a_flood_went_to_a_department() -> None:
    states = Counter(Incident.objects.values_list("status", flat=True))
    assert states[IncidentStatus.CLOSED] >= 2 and states[IncidentStatus.ACKNOWLEDGED] == 1
    assert states[IncidentStatus.REPORTED] == 1
    assert Incident.objects.filter(kind="flood", ticket__isnull=False).exists()
    for incident in Incident.objects.exclude(status=IncidentStatus.REPORTED):
        assert incident.acknowledged_by is not None and incident.acknowledged_by.role == "community_staff"


def test_one_plan_per_kind_and_a_typhoon_activation_checked_and_ended() -> None:
    assert set(EmergencyPlan.objects.values_list("kind", flat=True)) == set(PlanKind.values)
    activation = PlanActivation.objects.get()
    assert activation.plan.kind == PlanKind.TYPHOON and activation.status == ActivationStatus.ENDED
    assert activation.ended_at is not None and activation.ended_at - activation.started_at == dt.timedelta(days=2)
    checks = HouseholdCheck.objects.filter(activation=activation)
    assert checks.exists() and not checks.filter(outcome="").exists()
    assert not checks.filter(outcome=CheckOutcome.NOT_REACHED).exists()  # tried again
    roles = set(checks.values_list("checked_by__role", flat=True))
    assert roles == {"grid_worker"}


def test_alarms_are_acknowledged_then_answered_on_site_by_the_devices_grid_worker() -> None:
    answered = AlarmAcknowledgement.objects.exclude(status=AckStatus.WAITING).select_related("device")
    assert answered.count() >= 3
    for ack in answered:
        assert ack.acknowledged_at is not None and ack.acknowledged_by_id == ack.device.grid_worker_id
        assert dt.timedelta(0) < ack.acknowledged_at - ack.started_at < dt.timedelta(minutes=5)
    assert answered.filter(status=AckStatus.ON_SITE).exists()


def test_worker1_holds_an_open_alarm_waiting_with_the_households_contacts() -> None:
    worker = User.objects.get(username="worker1")
    waiting = AlarmAcknowledgement.objects.filter(
        status=AckStatus.WAITING, device__grid_worker=worker, ticket__status__in=OPEN_STATUSES
    ).select_related("ticket", "device__household")
    assert waiting.exists()
    ack = waiting.latest("started_at")
    assert ticket_alarm_for_user(worker, ack.ticket_id) == ack
    contacts = alarm_contacts(user=worker, ack=ack)
    assert contacts is not None
    assert any(row.phone_masked for row in contacts.people) and any(row.has_care_notes for row in contacts.people)


def test_every_alarm_comes_from_a_household_with_a_phone_and_care_notes() -> None:
    for ack in AlarmAcknowledgement.objects.select_related("device"):
        people = list(Person.objects.filter(household_id=ack.device.household_id, status=PersonStatus.ACTIVE))
        assert any(person.phone_masked for person in people), ack.ticket_id
        assert any(str(person.care_notes or "").strip() for person in people), ack.ticket_id
