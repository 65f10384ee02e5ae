"""devices.contacts: the household's contacts and care notes go to whoever holds the alarm (its
ticket's handler and the people its ladder told), masked; a full value needs a reason and writes
one audit row; anybody else is refused."""

from __future__ import annotations

import pytest

from qiaomen.accounts.roles import Role
from qiaomen.core.errors import Forbidden, InvalidInput, NotFound
from qiaomen.core.models import AuditEntry
from qiaomen.devices.acknowledgements import ack_sweep
from qiaomen.devices.alarms import alarm_holder_ids
from qiaomen.devices.contacts import alarm_contact_reveal, alarm_contacts
from qiaomen.devices.events import device_event_ingest
from qiaomen.devices.models.acknowledgements import AlarmAcknowledgement
from qiaomen.devices.models.devices import Device
from qiaomen.devices.tests.helpers import event, make_device, make_vendor
from qiaomen.testing import SmallStreet, make_user
from qiaomen.tickets.services import ticket_accept

pytestmark = pytest.mark.django_db


def _alarmed(s: SmallStreet) -> AlarmAcknowledgement:
    vendor = make_vendor()
    make_device(s, vendor)
    device_event_ingest(vendor=vendor, event=event("e1"), via="webhook")
    return AlarmAcknowledgement.objects.select_related("ticket", "device").get()


def test_the_grid_worker_holds_the_alarm_and_gets_masked_contacts(small_street: SmallStreet) -> None:
    s = small_street
    ack = _alarmed(s)
    contacts = alarm_contacts(user=s.users["worker_a"], ack=ack)
    assert contacts is not None
    assert [(row.person, row.phone_masked, row.has_care_notes, row.served) for row in contacts.people] == [
        (s.elder_a, "138****1111", True, True)
    ]  # the child of the household is left out


def test_a_reveal_needs_a_reason_and_writes_one_audit_row(small_street: SmallStreet) -> None:
    s = small_street
    ack = _alarmed(s)
    worker = s.users["worker_a"]
    with pytest.raises(InvalidInput):
        alarm_contact_reveal(user=worker, ack=ack, person_id=s.elder_a.pk, field="phone", reason=" ")
    assert not AuditEntry.objects.filter(action="person.unmask").exists()
    value = alarm_contact_reveal(user=worker, ack=ack, person_id=s.elder_a.pk, field="care_notes", reason="上门前")
    assert value == "糖尿病，低糖饮食"
    row = AuditEntry.objects.get(action="person.unmask")
    assert (row.actor, row.result, row.detail["field"], row.detail["ticket"]) == (
        worker,
        "ok",
        "care_notes",
        ack.ticket_id,
    )
    with pytest.raises(InvalidInput):
        alarm_contact_reveal(user=worker, ack=ack, person_id=s.elder_a.pk, field="id_number", reason="看看")
    with pytest.raises(NotFound):
        alarm_contact_reveal(user=worker, ack=ack, person_id=s.child_a.pk, field="phone", reason="看看")


def test_someone_of_the_same_grid_who_was_not_told_is_refused_until_the_ladder_calls_them(
    small_street: SmallStreet,
) -> None:
    s = small_street
    other = make_user("worker1b", Role.GRID_WORKER, places=(s.grid_a,))
    ack = _alarmed(s)
    Device.objects.get().backup_contacts.add(other)
    assert alarm_contacts(user=other, ack=ack) is None
    with pytest.raises(Forbidden):
        alarm_contact_reveal(user=other, ack=ack, person_id=s.elder_a.pk, field="phone", reason="想看看")
    assert AuditEntry.objects.get(action="person.unmask").result == "denied"
    assert ack.due_at is not None
    ack_sweep(now=ack.due_at)  # the backup contacts' rung
    ack.refresh_from_db()
    assert other.pk in alarm_holder_ids(ack)
    assert alarm_contacts(user=other, ack=ack) is not None


def test_the_tickets_handler_holds_it_too(small_street: SmallStreet) -> None:
    s = small_street
    ack = _alarmed(s)
    community = s.users["community_staff"]
    assert community.pk not in alarm_holder_ids(ack)
    ack.ticket.handler = community
    assert community.pk in alarm_holder_ids(ack)


def test_a_department_handler_who_accepted_the_ticket_never_holds_the_household(small_street: SmallStreet) -> None:
    s = small_street
    ack = _alarmed(s)
    handler = make_user("dept_emg", Role.DEPARTMENT_HANDLER, department=ack.ticket.department)
    ack.ticket = ticket_accept(ticket=ack.ticket, user=handler)
    assert handler.pk in alarm_holder_ids(ack)  # holds the ticket, yet does not see the device
    assert alarm_contacts(user=handler, ack=ack) is None
    with pytest.raises(Forbidden):
        alarm_contact_reveal(user=handler, ack=ack, person_id=s.elder_a.pk, field="phone", reason="回访")
    assert not AuditEntry.objects.filter(action="person.unmask", result="ok").exists()
