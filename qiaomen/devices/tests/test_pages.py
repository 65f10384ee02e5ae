"""The devices' staff pages: scoped by the household's grid (404 outside), registering and
retiring through the services, the detail showing recent events and open tickets."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from qiaomen.core.models import AuditEntry
from qiaomen.devices.events import device_event_ingest
from qiaomen.devices.models.devices import Device, DeviceStatus
from qiaomen.devices.tests.helpers import event, make_device, make_vendor
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Ticket


@pytest.mark.django_db
def test_the_list_and_detail_show_a_grid_a_device_to_grid_a_and_nobody_else(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    vendor = make_vendor()
    device = make_device(small_street, vendor)
    device_event_ingest(vendor=vendor, event=event("e1"), via="webhook")
    ticket = Ticket.objects.get()
    for persona in ("worker_a", "community_staff", "street_admin"):
        client = client_as(persona)
        assert "WB-001" in client.get("/devices/").content.decode(), persona
        page = client.get(f"/devices/{device.pk}/")
        assert page.status_code == 200, persona
        text = page.content.decode()
        assert f"/tickets/{ticket.pk}/" in text and "跌倒告警" in text
    timeline = client_as("worker_a").get(f"/tickets/{ticket.pk}/").content.decode()
    assert "设备告警" in timeline and "WB-001" in timeline
    worker_b = client_as("worker_b")
    assert "WB-001" not in worker_b.get("/devices/").content.decode()
    assert worker_b.get(f"/devices/{device.pk}/").status_code == 404
    assert client_as("dept_handler").get("/devices/").status_code == 403
    assert client_as("building_chief").get(f"/devices/{device.pk}/").status_code == 403


@pytest.mark.django_db
def test_community_staff_register_a_device_for_their_household_and_retire_it(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    s = small_street
    vendor = make_vendor()
    client = client_as("community_staff")
    form = {
        "vendor": vendor.pk,
        "serial": "SOS-9",
        "kind": "sos_button",
        "household": s.household_a.pk,
        "person": s.elder_a.pk,
        "grid_worker": s.users["worker_a"].pk,
        "backup_contacts": [s.users["community_staff"].pk],
    }
    answer = client.post("/devices/new/", form)
    device = Device.objects.get(serial="SOS-9")
    assert answer.status_code == 302 and answer["Location"] == f"/devices/{device.pk}/"
    assert device.grid_worker == s.users["worker_a"] and list(device.backup_contacts.all()) == [
        s.users["community_staff"]
    ]
    assert AuditEntry.objects.filter(action="device.register").count() == 1
    # Grid B's household is outside community 1: not even offered.
    refused = client.post("/devices/new/", {**form, "serial": "SOS-10", "household": s.household_b.pk})
    assert refused.status_code == 422 and not Device.objects.filter(serial="SOS-10").exists()
    # Grid B's worker cannot answer a grid A device.
    wrong = client.post("/devices/new/", {**form, "serial": "SOS-11", "grid_worker": s.users["worker_b"].pk})
    assert wrong.status_code == 422 and not Device.objects.filter(serial="SOS-11").exists()
    # The same serial again is a conflict, not a second device.
    assert client.post("/devices/new/", form).status_code == 409
    assert client_as("worker_a").post("/devices/new/", {**form, "serial": "X"}).status_code == 403
    client = client_as("community_staff")  # one test client: signed in as staff again
    retired = client.post(f"/devices/{device.pk}/retire/", {"reason": "换新设备", "version": device.version})
    assert retired.status_code == 302
    device.refresh_from_db()
    assert device.status == DeviceStatus.RETIRED
    stale = client.post(f"/devices/{device.pk}/retire/", {"reason": "again", "version": 1})
    assert stale.status_code == 409
    assert client_as("worker_b").post(f"/devices/{device.pk}/retire/", {"reason": "x", "version": 2}).status_code == 403
    assert client_as("street_admin").get(f"/devices/{device.pk}/").status_code == 200
