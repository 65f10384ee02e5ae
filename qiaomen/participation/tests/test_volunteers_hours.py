"""Service hours (R-PAR-1): linked to their task, confirmed by the team's grid worker only."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.models import TransitionEvent
from qiaomen.participation.models.volunteer_points import EntryKind, PointsEntry, ServiceKind, ServiceRecord
from qiaomen.participation.tests.volunteer_helpers import make_volunteers
from qiaomen.participation.volunteers.hours import service_confirm, service_record, service_reject
from qiaomen.participation.volunteers.ledger import points_balance, rate_set
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create
from qiaomen.visits.models import Outcome, Visit


def _yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def test_confirming_earns_hours_times_the_streets_rate(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    rate_set(street=s.street, kind=ServiceKind.ACTIVITY, points_per_hour=15, actor=s.users["street_admin"])
    before = points_balance(v.volunteer_b)
    service = service_confirm(service=v.pending_b, actor=s.users["worker_b"])
    entry = PointsEntry.objects.get(service=service)
    assert (service.status, entry.kind, entry.points) == ("confirmed", EntryKind.EARN, 30)
    assert points_balance(v.volunteer_b) == before + 30
    assert TransitionEvent.objects.filter(object_id=str(service.pk), action="confirm").exists()


def test_only_the_teams_grid_worker_confirms(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    for outsider in ("worker_a", "community_staff", "volunteer_b"):
        with pytest.raises(Forbidden):
            service_confirm(service=v.pending_b, actor=s.users[outsider])
    v.pending_b.refresh_from_db()
    assert v.pending_b.status == "pending"


def test_decided_hours_cannot_be_decided_again(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    rejected = service_reject(service=v.pending_b, actor=s.users["worker_b"], reason="未到场")
    with pytest.raises(Conflict):
        service_confirm(service=rejected, actor=s.users["worker_b"])
    with pytest.raises(Conflict):
        service_confirm(service=v.service_b, actor=s.users["worker_b"])
    assert PointsEntry.objects.filter(volunteer=v.volunteer_b, kind=EntryKind.EARN).count() == 1


def test_a_rejection_needs_a_reason(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    with pytest.raises(InvalidInput):
        service_reject(service=v.pending_b, actor=s.users["worker_b"], reason=" ")


def test_an_errand_links_a_lif_err_ticket_of_the_grid(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    errand = ticket_create(
        channel=Channel.STAFF,
        description="帮忙买药",
        subcategory=Subcategory.objects.get(code="LIF-ERR"),
        household=s.household_b,
        created_by=s.users["worker_b"],
    )
    other = ticket_create(
        channel=Channel.STAFF,
        description="电梯坏了",
        subcategory=Subcategory.objects.get(code="LIF-FAC"),
        household=s.household_b,
        created_by=s.users["worker_b"],
    )

    def errand_hours(ticket: Ticket) -> ServiceRecord:
        return service_record(
            volunteer=v.volunteer_b,
            kind=ServiceKind.ERRAND,
            hours=Decimal("1.5"),
            served_on=_yesterday(),
            actor=s.users["worker_b"],
            ticket=ticket,
        )

    with pytest.raises(InvalidInput):
        errand_hours(other)
    assert errand_hours(errand).ticket == errand
    with pytest.raises(Conflict):
        errand_hours(errand)


def test_a_visit_accompanied_links_a_visit_of_the_grid(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    now = timezone.now()
    visit = Visit.objects.create(
        client_uuid=uuid.uuid4(),
        household=s.household_a,
        grid=s.grid_a,
        worker=s.users["worker_a"],
        visited_at=now,
        received_at=now,
        outcome=Outcome.MET,
    )
    with pytest.raises(InvalidInput):
        service_record(
            volunteer=v.volunteer_b, kind="visit", hours=Decimal(1), served_on=_yesterday(), actor=s.users["worker_b"]
        )
    with pytest.raises(InvalidInput):
        service_record(
            volunteer=v.volunteer_b,
            kind="visit",
            hours=Decimal(1),
            served_on=_yesterday(),
            actor=s.users["worker_b"],
            visit=visit,
        )
    row = service_record(
        volunteer=v.volunteer_a,
        kind="visit",
        hours=Decimal(1),
        served_on=_yesterday(),
        actor=s.users["worker_a"],
        visit=visit,
    )
    assert row.visit == visit


@pytest.mark.parametrize("hours", ["0", "-1", "12.5", "1.25"])
def test_hours_outside_half_hours_up_to_twelve_are_refused(small_street: SmallStreet, hours: str) -> None:
    s = small_street
    v = make_volunteers(s)
    with pytest.raises(InvalidInput):
        service_record(
            volunteer=v.volunteer_b,
            kind="activity",
            hours=Decimal(hours),
            served_on=_yesterday(),
            actor=s.users["worker_b"],
            description="活动",
        )


def test_hours_in_the_future_are_refused(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    with pytest.raises(InvalidInput):
        service_record(
            volunteer=v.volunteer_b,
            kind="activity",
            hours=Decimal(1),
            served_on=timezone.localdate() + dt.timedelta(days=1),
            actor=s.users["worker_b"],
            description="活动",
        )
