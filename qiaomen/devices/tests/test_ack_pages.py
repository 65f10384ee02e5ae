"""The acknowledgement buttons of a device's page: POST only, scoped by the device's places (404
outside, 403 without the capability), the page's version checked, times and people recorded."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from qiaomen.devices.events import device_event_ingest
from qiaomen.devices.models.acknowledgements import AckStatus, AlarmAcknowledgement
from qiaomen.devices.models.devices import Device
from qiaomen.devices.tests.helpers import event, make_device, make_vendor
from qiaomen.testing import SmallStreet


def _alarmed(s: SmallStreet) -> Device:
    vendor = make_vendor()
    device = make_device(s, vendor)
    device_event_ingest(vendor=vendor, event=event("e1"), via="webhook")
    return device


@pytest.mark.django_db
def test_the_grid_worker_acknowledges_from_the_device_page_then_arrives(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    device = _alarmed(small_street)
    client = client_as("worker_a")
    page = client.get(f"/devices/{device.pk}/").content.decode()
    assert f"/devices/{device.pk}/acknowledge/" in page and "确认接警" in page
    assert client.get(f"/devices/{device.pk}/acknowledge/").status_code == 405
    response = client.post(f"/devices/{device.pk}/acknowledge/", {"version": 1})
    assert response.status_code == 302
    ack = AlarmAcknowledgement.objects.get()
    assert ack.status == AckStatus.ACKNOWLEDGED and ack.acknowledged_by == small_street.users["worker_a"]
    assert ack.acknowledged_at is not None and ack.due_at is None
    assert client.post(f"/devices/{device.pk}/on-site/", {"version": 1}).status_code == 409  # a stale page
    assert client.post(f"/devices/{device.pk}/on-site/", {"version": 2}).status_code == 302
    ack.refresh_from_db()
    assert ack.status == AckStatus.ON_SITE and ack.on_site_by == small_street.users["worker_a"]
    assert ack.on_site_at is not None


@pytest.mark.django_db
def test_nobody_outside_the_devices_places_acknowledges(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    device = _alarmed(small_street)
    for persona, status in (("worker_b", 404), ("building_chief", 403), ("dept_handler", 403)):
        for action in ("acknowledge", "on-site"):
            answer = client_as(persona).post(f"/devices/{device.pk}/{action}/", {"version": 1})
            assert answer.status_code == status, (persona, action)
    ack = AlarmAcknowledgement.objects.get()
    assert (ack.status, ack.version, ack.acknowledged_at) == (AckStatus.WAITING, 1, None)


@pytest.mark.django_db
def test_the_street_command_centre_may_acknowledge(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    device = _alarmed(small_street)
    assert client_as("street_admin").post(f"/devices/{device.pk}/acknowledge/", {"version": 1}).status_code == 302
    assert AlarmAcknowledgement.objects.get().acknowledged_by == small_street.users["street_admin"]


@pytest.mark.django_db
def test_the_command_centre_lists_the_alarms_nobody_acknowledged(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    device = _alarmed(small_street)
    ticket_id = AlarmAcknowledgement.objects.get().ticket_id
    client = client_as("street_admin")
    page = client.get("/command/").content.decode()
    assert "待确认的告警" in page and f"/devices/{device.pk}/" in page and f"#{ticket_id}" in page
    client.post(f"/devices/{device.pk}/acknowledge/", {"version": 1})
    assert "待确认的告警" not in client.get("/command/").content.decode()


@pytest.mark.django_db
def test_the_tickets_timeline_names_each_step_of_the_ladder(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    from qiaomen.devices.acknowledgements import ack_sweep

    device = _alarmed(small_street)
    ack = AlarmAcknowledgement.objects.get()
    assert ack.due_at is not None
    ack_sweep(now=ack.due_at)
    client = client_as("worker_a")
    client.post(f"/devices/{device.pk}/acknowledge/", {"version": 2})
    timeline = client.get(f"/tickets/{ack.ticket_id}/").content.decode()
    assert "告警未确认：已升级" in timeline and "告警已确认" in timeline
