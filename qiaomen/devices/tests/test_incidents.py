"""Incidents: reported against a place or a visit, routed to the incident handlers of the
community, acknowledged and closed through the state table, visits paused through the visits
service."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.http import Http404
from django.utils import timezone

from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.models import TransitionEvent
from qiaomen.devices.incidents import incident_acknowledge, incident_close, incident_pause_visits, incident_report
from qiaomen.devices.models import Incident, IncidentKind, IncidentStatus
from qiaomen.devices.scope import incident_for_user, incidents_for_user
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Notification, Priority, Ticket
from qiaomen.visits.models import Outcome, Visit
from qiaomen.visits.selectors import paused_grid_ids


def a_visit(street: SmallStreet) -> Visit:
    now = timezone.now()
    return Visit.objects.create(
        client_uuid=uuid.uuid4(),
        household=street.household_a,
        grid=street.grid_a,
        worker=street.users["worker_a"],
        visited_at=now,
        received_at=now,
        outcome=Outcome.MET,
    )


def report(street: SmallStreet, **kwargs: object) -> Incident:
    values: dict[str, object] = {
        "user": street.users["worker_a"],
        "kind": IncidentKind.CONFLICT,
        "description": "住户情绪激动，推搡网格员",
        "occurred_at": timezone.now(),
    }
    values.update(kwargs)
    return incident_report(**values)  # type: ignore[arg-type]


def test_an_incident_on_a_visit_takes_the_visit_place_and_keeps_its_text_encrypted(small_street: SmallStreet) -> None:
    visit = a_visit(small_street)
    incident = report(small_street, visit=visit)
    assert incident.household == small_street.household_a
    assert incident.building == small_street.building_a
    assert incident.grid == small_street.grid_a and incident.community == small_street.community_1
    assert incident.status == IncidentStatus.REPORTED
    stored = Incident.objects.filter(pk=incident.pk).values_list("description", flat=True).get()
    assert "推搡" not in stored
    assert Incident.objects.get(pk=incident.pk).description == "住户情绪激动，推搡网格员"


def test_the_handlers_of_the_community_are_told_and_nobody_else(small_street: SmallStreet) -> None:
    incident = report(small_street, grid=small_street.grid_a, kind=IncidentKind.CONFLICT)
    told = set(Notification.objects.filter(text__contains=f"#{incident.pk}").values_list("user__username", flat=True))
    assert Notification.objects.count() == len(told)
    assert told == {small_street.users["street_admin"].username, small_street.users["community_staff"].username}
    assert not Notification.objects.filter(text__contains="推搡").exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": "earthquake"}, "incident_kind_invalid"),
        ({"description": "  "}, "incident_description_required"),
        ({"description": "长" * 2001}, "text_too_long"),
        ({"occurred_at": timezone.now() + dt.timedelta(hours=1)}, "incident_in_future"),
        ({}, "incident_place_required"),
    ],
)
def test_bad_input_is_refused_with_its_code_and_nothing_is_stored(
    small_street: SmallStreet, changes: dict[str, object], code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        report(small_street, **changes)
    assert refused.value.code == code
    assert not Incident.objects.exists() and not Notification.objects.exists()


def test_a_place_outside_the_reporters_grid_is_refused(small_street: SmallStreet) -> None:
    with pytest.raises(InvalidInput) as refused:
        report(small_street, household=small_street.household_b)
    assert refused.value.code == "incident_place_out_of_scope"
    with pytest.raises(InvalidInput) as mismatch:
        report(small_street, household=small_street.household_a, grid=small_street.grid_b)
    assert mismatch.value.code == "incident_place_mismatch"


def test_acknowledged_then_closed_each_through_the_state_table(small_street: SmallStreet) -> None:
    incident = report(small_street, grid=small_street.grid_a)
    with pytest.raises(Forbidden):
        incident_acknowledge(user=small_street.users["worker_a"], incident=incident)
    staff = small_street.users["community_staff"]
    incident = incident_acknowledge(user=staff, incident=incident)
    assert incident.status == IncidentStatus.ACKNOWLEDGED and incident.acknowledged_by == staff
    with pytest.raises(InvalidInput):
        incident_close(user=staff, incident=incident, reason=" ")
    incident = incident_close(user=staff, incident=incident, reason="已调解")
    assert incident.status == IncidentStatus.CLOSED and incident.closed_at is not None
    with pytest.raises(Conflict):
        incident_acknowledge(user=staff, incident=incident)
    actions = TransitionEvent.objects.filter(object_type="devices.incident", object_id=str(incident.pk))
    assert list(actions.order_by("pk").values_list("action", flat=True)) == ["acknowledge", "close"]


def test_an_incident_at_a_building_pauses_its_grid_through_the_visits_pause(small_street: SmallStreet) -> None:
    incident = report(small_street, building=small_street.building_a, kind=IncidentKind.FLOOD)
    until = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(Forbidden):
        incident_pause_visits(user=small_street.users["community_staff"], incident=incident, until=until)
    incident = incident_pause_visits(user=small_street.users["street_admin"], incident=incident, until=until)
    paused = paused_grid_ids(on=timezone.localdate())
    assert set(paused) == {small_street.grid_a.pk} and incident.pause_id == paused[small_street.grid_a.pk].pk
    with pytest.raises(Conflict):
        incident_pause_visits(user=small_street.users["street_admin"], incident=incident, until=until)


def test_another_communitys_incident_is_not_found(small_street: SmallStreet) -> None:
    incident = report(small_street, grid=small_street.grid_a)
    assert incident_for_user(small_street.users["community_staff"], incident.pk) == incident
    with pytest.raises(Http404):
        incident_for_user(small_street.users["worker_b"], incident.pk)
    assert not incidents_for_user(small_street.users["worker_b"]).exists()


def test_a_fire_or_flood_opens_a_p1_emergency_ticket_for_its_department_and_a_conflict_none(
    small_street: SmallStreet,
) -> None:
    fire = report(small_street, household=small_street.household_a, kind=IncidentKind.FIRE, description="厨房起火")
    assert fire.ticket_id is not None
    ticket = Ticket.objects.get(pk=fire.ticket_id)
    assert ticket.subcategory.code == "EMG-SAFE" and ticket.priority == Priority.P1
    assert ticket.department == ticket.subcategory.department and ticket.household == small_street.household_a
    assert f"#{fire.pk}" in ticket.description and "厨房起火" in ticket.description
    conflict = report(small_street, grid=small_street.grid_a)
    assert conflict.ticket_id is None and Ticket.objects.count() == 1
