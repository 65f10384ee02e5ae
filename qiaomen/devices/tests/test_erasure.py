"""SECURITY 9, delete: a resident's deletion request reaches the incidents recorded at their
household (description, the reasons in the incident's timeline, the department ticket that quotes
it); the incidents themselves stay, and other households' words stay."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qiaomen.core.models import TransitionEvent
from qiaomen.devices.incidents import incident_acknowledge, incident_close, incident_report
from qiaomen.devices.models import Incident, IncidentKind, IncidentStatus
from qiaomen.registry.models import RightsKind, RightsStatus
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Ticket, TicketEvent
from qiaomen.tickets.rights.erasure import person_erased, rights_request_erase
from qiaomen.tickets.tests.rights_helpers import in_progress

pytestmark = pytest.mark.django_db


def reasons(incident: Incident) -> list[str]:
    rows = TransitionEvent.objects.filter(object_type="devices.incident", object_id=str(incident.pk))
    return [reason for reason in rows.values_list("reason", flat=True) if reason]


def test_security_9_delete_blanks_the_words_of_their_households_incidents(small_street: SmallStreet) -> None:
    s = small_street
    staff = s.users["community_staff"]
    fire = incident_report(
        user=s.users["worker_a"],
        kind=IncidentKind.FIRE,
        description="王秀英家厨房起火，老人手被烫伤",
        occurred_at=timezone.now(),
        household=s.household_a,
    )
    fire = incident_close(user=staff, incident=incident_acknowledge(user=staff, incident=fire), reason="王秀英已送医")
    elsewhere = incident_report(
        user=s.users["worker_b"],
        kind=IncidentKind.CONFLICT,
        description="邻里争吵",
        occurred_at=timezone.now(),
        household=s.household_b,
    )
    assert fire.ticket_id is not None and reasons(fire) == ["王秀英已送医"]

    row = in_progress(s, s.elder_a, RightsKind.DELETE, by="street_admin")
    done = rights_request_erase(rights_request=row, user=s.users["street_admin"], person_version=s.elder_a.version)

    fire = Incident.objects.get(pk=fire.pk)
    assert fire.ticket_id is not None
    assert fire.description == "" and reasons(fire) == []
    assert fire.status == IncidentStatus.CLOSED and fire.kind == IncidentKind.FIRE  # what counts stays
    ticket = Ticket.objects.get(pk=fire.ticket_id)
    assert ticket.description == ""
    assert not TicketEvent.objects.filter(ticket=ticket).exclude(reason="").exists()
    assert Incident.objects.get(pk=elsewhere.pk).description == "邻里争吵"
    assert done.status == RightsStatus.DONE


def test_a_failing_part_of_the_erasure_undoes_all_of_it(small_street: SmallStreet) -> None:
    s = small_street
    incident = incident_report(
        user=s.users["worker_a"],
        kind=IncidentKind.CONFLICT,
        description="住户情绪激动",
        occurred_at=timezone.now(),
        household=s.household_a,
    )

    def broken(**_: object) -> dict[str, int]:
        raise RuntimeError("disk full")

    person_erased.connect(broken, dispatch_uid="test.broken")
    try:
        row = in_progress(s, s.elder_a, RightsKind.DELETE, by="street_admin")
        with pytest.raises(RuntimeError):
            rights_request_erase(rights_request=row, user=s.users["street_admin"], person_version=s.elder_a.version)
    finally:
        person_erased.disconnect(dispatch_uid="test.broken")
    assert Incident.objects.get(pk=incident.pk).description == "住户情绪激动"
    s.elder_a.refresh_from_db()
    assert s.elder_a.name == "王秀英"
