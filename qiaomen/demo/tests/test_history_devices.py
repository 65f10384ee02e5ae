"""The demo year's devices, incidents and emergency plans: lived through the devices services on
the small street of test_history's year (its module fixture, seeded once more for this module)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.workdays import CHINA
from qiaomen.demo.tests.test_history import NOW, START, year  # noqa: F401  (the fixture)
from qiaomen.devices.contacts import alarm_contacts
from qiaomen.devices.figures import device_figures, screen_devices
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
from qiaomen.devices.models.acknowledgements import AckRung, AckStatus, AlarmAcknowledgement
from qiaomen.devices.models.devices import Device, DeviceEvent, DeviceStatus, EventOutcome, Vendor
from qiaomen.devices.scope import ticket_alarm_for_user
from qiaomen.devices.selectors import activations_in_progress
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
    # All back and reporting at the end but one, silent since the day before.
    assert statuses == {DeviceStatus.ACTIVE: Device.objects.count() - 1, DeviceStatus.OFFLINE: 1}
    silent = Device.objects.get(status=DeviceStatus.OFFLINE)
    assert silent.last_heartbeat_at is not None and dt.timedelta(hours=24) < NOW - silent.last_heartbeat_at
    latest = Device.objects.filter(status=DeviceStatus.ACTIVE).order_by("last_heartbeat_at").first()
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
    activation = PlanActivation.objects.get(plan__kind=PlanKind.TYPHOON)
    assert activation.plan.kind == PlanKind.TYPHOON and activation.status == ActivationStatus.ENDED
    assert activation.ended_at is not None and activation.ended_at - activation.started_at == dt.timedelta(days=2)
    checks = HouseholdCheck.objects.filter(activation=activation)
    assert checks.exists() and not checks.filter(outcome="").exists()
    assert not checks.filter(outcome=CheckOutcome.NOT_REACHED).exists()  # tried again
    roles = set(checks.values_list("checked_by__role", flat=True))
    assert roles == {"grid_worker"}


def test_alarms_are_acknowledged_within_minutes_but_the_last_one_still_waits() -> None:
    acks = AlarmAcknowledgement.objects.order_by("started_at")
    last = acks.last()
    assert last is not None and last.status == AckStatus.WAITING and last.rung == AckRung.BACKUP_CONTACTS
    assert dt.timedelta(minutes=5) < NOW - last.started_at < dt.timedelta(minutes=10)
    answered = acks.exclude(pk=last.pk)
    assert answered.exists() and not answered.filter(status=AckStatus.WAITING).exists()
    assert answered.filter(rung__gt=AckRung.GRID_WORKER).exists()  # some only after a rung
    for ack in answered.filter(acknowledged_at__isnull=False):
        assert ack.acknowledged_at is not None and ack.acknowledged_at - ack.started_at < dt.timedelta(minutes=14)
    assert answered.filter(status=AckStatus.ON_SITE).count() == answered.count()


def test_a_gas_leak_plan_is_in_force_half_checked_with_a_household_needing_help() -> None:
    activation = PlanActivation.objects.get(status=ActivationStatus.ACTIVE)
    assert activation.plan.kind == PlanKind.GAS_LEAK and activation.grid is not None
    assert dt.timedelta(hours=2) < NOW - activation.started_at <= dt.timedelta(hours=3)
    checks = HouseholdCheck.objects.filter(activation=activation)
    checked = checks.filter(checked_at__isnull=False).count()
    assert 0 < checked < checks.count()
    assert checks.filter(outcome=CheckOutcome.NEEDS_HELP).exists()


def test_the_wall_and_the_command_centre_have_device_and_plan_figures_now() -> None:
    admin = User.objects.filter(role=Role.STREET_ADMIN).order_by("pk").first()
    assert admin is not None
    scope = place_scope(admin)
    with time_machine.travel(NOW, tick=False):
        wall = screen_devices(scope=scope, now=NOW)
        plans = activations_in_progress(scope=scope)
    assert wall.waiting >= 1 and wall.waiting_list and wall.waiting_list[0].rung == AckRung.BACKUP_CONTACTS
    assert wall.alarms_today >= 1 and wall.offline == 1
    [plan] = plans
    assert plan.progress.checked > 0 and plan.progress.needs_help >= 1
    months = device_figures(scope=scope, start=NOW - dt.timedelta(days=200), end=NOW)
    assert months.alarms > 0 and months.climbed > 0 and months.offline == 1
    assert months.median_seconds is not None and months.p95_seconds is not None
    assert 0 < months.median_seconds <= months.p95_seconds < 14 * 60


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
