"""A device alarm's ticket page: the device, the ladder and the buttons for whoever sees the
device (the device page's rule), the household's contacts for whoever holds the alarm only,
masked, each full value shown for a reason with an audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from qiaomen.accounts.roles import Role
from qiaomen.core.models import AuditEntry
from qiaomen.devices.acknowledgements import ack_sweep
from qiaomen.devices.events import device_event_ingest
from qiaomen.devices.models.acknowledgements import AckStatus, AlarmAcknowledgement
from qiaomen.devices.models.devices import Device
from qiaomen.devices.tests.helpers import event, make_device, make_vendor
from qiaomen.testing import SmallStreet, make_person, make_user, sign_in
from qiaomen.tickets.services import ticket_accept

pytestmark = pytest.mark.django_db


def _alarmed(s: SmallStreet) -> AlarmAcknowledgement:
    vendor = make_vendor()
    make_device(s, vendor)
    device_event_ingest(vendor=vendor, event=event("e1"), via="webhook")
    return AlarmAcknowledgement.objects.select_related("ticket").get()


def _reveals() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="person.unmask", result="ok"))


def test_the_holder_sees_the_device_ladder_buttons_and_masked_contacts(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    s = small_street
    make_person(s.household_a, "王建华", phone="13600003333", relationship="child", birth=dt.date(1975, 5, 5))
    ack = _alarmed(s)
    page = client_as("worker_a").get(f"/tickets/{ack.ticket_id}/").content.decode()
    assert "alarm-heading" in page and "WB-001" in page and f"/devices/{ack.device_id}/" in page
    assert "等待确认" in page or "待确认" in page
    assert f"/tickets/{ack.ticket_id}/alarm/acknowledge/" in page and f"/tickets/{ack.ticket_id}/alarm/on-site/" in page
    assert "138****1111" in page and "136****3333" in page and "王建华" in page
    assert "13800001111" not in page and "13600003333" not in page and "低糖饮食" not in page
    assert "王小明" not in page  # a child is nobody's emergency contact


def test_acknowledging_twice_is_a_conflict_that_changes_nothing_then_arrival(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    ack = _alarmed(small_street)
    client = client_as("worker_a")
    base = f"/tickets/{ack.ticket_id}/alarm"
    assert client.get(f"{base}/acknowledge/").status_code == 405
    assert client.post(f"{base}/acknowledge/", {"version": 1}).status_code == 302
    ack.refresh_from_db()
    assert ack.status == AckStatus.ACKNOWLEDGED and ack.acknowledged_by == small_street.users["worker_a"]
    again = client.post(f"{base}/acknowledge/", {"version": 2})
    assert again.status_code == 409
    assert "已由" in again.content.decode() and "未作任何更改" in again.content.decode()
    ack.refresh_from_db()
    assert ack.version == 2 and ack.status == AckStatus.ACKNOWLEDGED
    assert client.post(f"{base}/on-site/", {"version": 2}).status_code == 302
    ack.refresh_from_db()
    assert ack.status == AckStatus.ON_SITE and ack.on_site_at is not None
    page = client.get(f"/tickets/{ack.ticket_id}/").content.decode()
    assert f"{base}/acknowledge/" not in page and f"{base}/on-site/" not in page


def test_the_buttons_follow_the_device_pages_rule(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    ack = _alarmed(small_street)
    for persona, status in (("worker_b", 404), ("building_chief", 403), ("dept_handler", 403)):
        for action in ("acknowledge", "on-site"):
            answer = client_as(persona).post(f"/tickets/{ack.ticket_id}/alarm/{action}/", {"version": 1})
            assert answer.status_code == status, (persona, action)
    ack.refresh_from_db()
    assert (ack.status, ack.version) == (AckStatus.WAITING, 1)


def test_the_holder_reveals_a_phone_and_care_notes_with_a_reason_and_it_is_logged(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    s = small_street
    ack = _alarmed(s)
    client = client_as("worker_a")
    url = f"/tickets/{ack.ticket_id}/alarm/reveal/"
    refused = client.post(url, {"person": s.elder_a.pk, "field": "phone", "reason": ""}, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "13800001111" not in refused.content.decode()
    assert _reveals() == []
    shown = client.post(url, {"person": s.elder_a.pk, "field": "phone", "reason": "告警后联系老人"})
    assert shown.status_code == 200 and "13800001111" in shown.content.decode()
    notes = client.post(
        url, {"person": s.elder_a.pk, "field": "care_notes", "reason": "告警后上门"}, headers={"HX-Request": "true"}
    )
    assert notes.status_code == 200 and "低糖饮食" in notes.content.decode()
    rows = _reveals()
    assert [(row.detail["field"], row.detail["ticket"], row.object_id) for row in rows] == [
        ("phone", ack.ticket_id, str(s.elder_a.pk)),
        ("care_notes", ack.ticket_id, str(s.elder_a.pk)),
    ]
    assert all("13800001111" not in str(row.detail) and "低糖" not in str(row.detail) for row in rows)
    # A child of the household, or someone of another household, is not among the contacts.
    for person in (s.child_a, s.resident_b):
        assert client.post(url, {"person": person.pk, "field": "phone", "reason": "x" * 5}).status_code == 404


def test_a_staff_member_of_the_same_grid_who_does_not_hold_the_alarm_sees_none_of_it(
    small_street: SmallStreet, client: Client
) -> None:
    s = small_street
    ack = _alarmed(s)
    other = make_user("worker1b", Role.GRID_WORKER, places=(s.grid_a,))
    client = sign_in(client, other)
    page = client.get(f"/tickets/{ack.ticket_id}/").content.decode()
    assert "alarm-heading" in page  # sees the device and its ladder, as on the device page
    assert f"/tickets/{ack.ticket_id}/alarm/reveal/" not in page and "户内联系人" not in page
    answer = client.post(
        f"/tickets/{ack.ticket_id}/alarm/reveal/", {"person": s.elder_a.pk, "field": "phone", "reason": "想看看"}
    )
    assert answer.status_code == 403 and "13800001111" not in answer.content.decode()
    assert _reveals() == []
    assert AuditEntry.objects.filter(action="person.unmask", result="denied", actor=other).count() == 1


def test_a_backup_contact_holds_the_alarm_once_the_ladder_has_called_them(
    small_street: SmallStreet, client: Client
) -> None:
    s = small_street
    backup = make_user("worker1b", Role.GRID_WORKER, places=(s.grid_a,))
    ack = _alarmed(s)
    Device.objects.get().backup_contacts.add(backup)
    client = sign_in(client, backup)
    assert "户内联系人" not in client.get(f"/tickets/{ack.ticket_id}/").content.decode()
    assert ack.due_at is not None
    ack_sweep(now=ack.due_at)
    page = client.get(f"/tickets/{ack.ticket_id}/").content.decode()
    assert "户内联系人" in page and "138****1111" in page


def test_a_department_handler_never_sees_the_alarm_or_the_contacts(small_street: SmallStreet, client: Client) -> None:
    ack = _alarmed(small_street)
    handler = make_user("dept_emg", Role.DEPARTMENT_HANDLER, department=ack.ticket.department)
    ticket_accept(ticket=ack.ticket, user=handler)
    client = sign_in(client, handler)
    page = client.get(f"/tickets/{ack.ticket_id}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "alarm-heading" not in body and "户内联系人" not in body and "alarm/reveal" not in body
    answer = client.post(
        f"/tickets/{ack.ticket_id}/alarm/reveal/", {"person": small_street.elder_a.pk, "field": "phone", "reason": "看"}
    )
    assert answer.status_code == 403
