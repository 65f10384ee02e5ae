"""A phone's batch of visits (visits_record_batch) leaves exactly the rows that recording the same
visits one by one leaves, and keeps every rule of one visit: all or nothing, resends answered
with the first record, the audit chain whole."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.db import transaction

from qiaomen.core.audit import audit_verify
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.core.models import AuditEntry, TransitionEvent
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet, make_household
from qiaomen.visits.models import Demand, Outcome, PlannedVisit, VerificationRequest, Visit
from qiaomen.visits.recording import DemandInput, VisitInput, visit_record, visits_record_batch
from qiaomen.visits.services import visit_pause_create, visit_plan

NOW = dt.datetime(2026, 11, 16, 8, 0, tzinfo=dt.UTC)
ANSWERS = {"health": "良好", "safety": "安全"}


def _items(street: SmallStreet) -> list[VisitInput]:
    """Every kind of visit, several to one household, one sent late, one on a planned household
    and one in a paused grid."""
    building = street.building_a
    first, second, third = (make_household(building, room) for room in ("301", "302", "303"))
    h = street.household_a

    def at(hours: float) -> dt.datetime:
        return NOW - dt.timedelta(hours=hours)

    def key(n: int) -> uuid.UUID:
        return uuid.UUID(int=n, version=4)

    return [
        VisitInput(h, key(1), at(5), Outcome.MET, answers=ANSWERS, policy_codes=("pension", "elderly_allowance")),
        VisitInput(first, key(2), at(4.5), Outcome.NOT_HOME),
        VisitInput(second, key(3), at(4), Outcome.REFUSED, refused_reason="住户不便接待"),
        VisitInput(third, key(4), at(3.5), Outcome.MOVED_OUT),
        VisitInput(third, key(5), at(3), Outcome.MISMATCH),
        # Sent late: met earlier than the first visit; the household stays verified at the later one.
        VisitInput(h, key(6), at(30), Outcome.MET, answers=ANSWERS, notes="  老人精神不错 "),
        VisitInput(
            first,
            key(7),
            at(2),
            Outcome.MET,
            answers=ANSWERS,
            lat=31.3,
            lng=121.5,
            demands=(DemandInput("想申请助餐"), DemandInput("楼道灯坏了", resolved_on_spot=True)),
        ),
        VisitInput(street.household_b, key(8), at(1), Outcome.MET, answers=ANSWERS, lat=31.21, lng=121.41),
    ]


def _prepare(street: SmallStreet) -> list[VisitInput]:
    items = _items(street)
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        visit_plan(user=street.users["community_staff"], household=items[1].household, on=NOW.date(), purpose="回访")
        visit_pause_create(
            user=street.users["street_admin"],
            communities=[],
            grids=[street.grid_b],
            starts_on=NOW.date() - dt.timedelta(days=1),
            ends_on=NOW.date() + dt.timedelta(days=1),
            reason="台风",
        )
    return items


def _rows(audit_after: int, event_after: int) -> dict[str, Any]:
    """What recording left, with database ids of new rows replaced by the visits' own keys (on
    PostgreSQL a rolled-back insert still spends its sequence number)."""
    key_of = {str(pk): str(key) for pk, key in Visit.objects.values_list("pk", "client_uuid")}
    visits = [
        (
            str(v.client_uuid),
            v.household_id,
            v.grid_id,
            v.worker_id,
            v.visit_type_id,
            v.visited_at,
            v.received_at,
            v.contact_mode,
            v.outcome,
            v.refused_reason,
            v.lat,
            v.lng,
            v.distance_m,
            v.far_from_building,
            v.answers,
            v.resolved_on_spot,
            v.notes,
            v.plan_id,
            sorted(v.policies.values_list("code", flat=True)),
        )
        for v in Visit.objects.order_by("pk")
    ]
    demands = [
        (str(d.visit.client_uuid), d.household_id, d.text, d.resolved_on_spot, d.raised_at)
        for d in Demand.objects.select_related("visit").order_by("pk")
    ]
    verifications = [
        (r.household_id, str(r.visit.client_uuid), r.reason, r.status, r.created_at)
        for r in VerificationRequest.objects.select_related("visit").order_by("pk")
    ]
    audit = [
        # A visit's id differs from path to path (a rolled-back PostgreSQL sequence is not reset): it is
        # compared by its client UUID. Other rows' ids are not mapped: a planned visit's id may equal a visit's.
        (
            e.at,
            e.actor_id,
            e.actor_name,
            e.action,
            e.object_type,
            key_of.get(e.object_id, e.object_id) if e.object_type == "visits.visit" else e.object_id,
            e.detail,
        )
        for e in AuditEntry.objects.filter(pk__gt=audit_after).order_by("pk")
    ]
    events = [
        (e.object_type, e.object_id, e.action, e.old_status, e.new_status, e.actor_id, key_of[str(e.detail["visit"])])
        for e in TransitionEvent.objects.filter(pk__gt=event_after).order_by("pk")
    ]
    return {
        "visits": visits,
        "demands": demands,
        "verifications": verifications,
        "households": list(
            Household.objects.order_by("pk").values_list("pk", "last_verified_at", "last_verified_source")
        ),
        "plans": list(PlannedVisit.objects.order_by("pk").values_list("pk", "status", "version")),
        "audit": audit,
        "events": events,
    }


def _recorded(street: SmallStreet, items: list[VisitInput], *, batch: bool) -> dict[str, Any]:
    worker = street.users["worker_a"]
    audit_after = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    event_after = TransitionEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        with time_machine.travel(NOW, tick=False):
            if batch:
                visits_record_batch(worker=worker, items=items)
            else:
                for item in items:
                    visit_record(
                        worker=worker,
                        household=item.household,
                        client_uuid=item.client_uuid,
                        visited_at=item.visited_at,
                        outcome=item.outcome,
                        lat=item.lat,
                        lng=item.lng,
                        answers=item.answers,
                        policy_codes=list(item.policy_codes),
                        demands=list(item.demands),
                        refused_reason=item.refused_reason,
                        notes=item.notes,
                    )
        rows = _rows(audit_after, event_after)
        assert audit_verify()[1] is None
        transaction.set_rollback(True)  # the other path starts from the same street
    return rows


@pytest.mark.django_db
def test_a_batch_leaves_exactly_the_rows_of_recording_one_by_one(small_street: SmallStreet) -> None:
    items = _prepare(small_street)
    one_by_one = _recorded(small_street, items, batch=False)
    batch = _recorded(small_street, items, batch=True)
    assert batch == one_by_one
    # The scenario reached every rule it is there for.
    assert len(one_by_one["visits"]) == 8 and len(one_by_one["demands"]) == 2
    assert [row[2] for row in one_by_one["verifications"]] == [Outcome.MOVED_OUT]
    assert [plan[1] for plan in one_by_one["plans"]] == ["done"]
    assert [row[3] for row in one_by_one["audit"]][:3] == ["visit.record", "visit.record", "visit.record"]
    assert "plannedvisit.fulfil" in [row[3] for row in one_by_one["audit"]]
    assert one_by_one["visits"][-1][7] == "phone"  # the paused grid was reached by phone
    verified = dict((pk, at) for pk, at, _ in one_by_one["households"])
    assert verified[small_street.household_a.pk] == items[0].visited_at  # not the late, older visit


def _batch(street: SmallStreet, items: list[VisitInput], worker: str = "worker_a") -> list[tuple[Visit, bool]]:
    with time_machine.travel(NOW, tick=False):
        return visits_record_batch(worker=street.users[worker], items=items)


@pytest.mark.django_db
def test_a_resent_batch_is_answered_with_the_visits_first_recorded_and_writes_nothing(
    small_street: SmallStreet,
) -> None:
    items = _prepare(small_street)
    first = _batch(small_street, items[:3])
    audit_rows = AuditEntry.objects.count()
    again = _batch(small_street, items[:4])
    assert [created for _, created in first] == [True, True, True]
    assert [created for _, created in again] == [False, False, False, True]
    assert [visit.pk for visit, _ in again[:3]] == [visit.pk for visit, _ in first]
    assert Visit.objects.count() == 4 and AuditEntry.objects.count() == audit_rows + 1


@pytest.mark.django_db
def test_one_bad_visit_refuses_the_batch_naming_it_and_nothing_is_written(small_street: SmallStreet) -> None:
    items = _prepare(small_street)
    bad = VisitInput(small_street.household_a, uuid.uuid4(), NOW, Outcome.REFUSED)  # no reason given
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as refused:
        _batch(small_street, [*items[:2], bad, *items[2:]])
    assert refused.value.code == "refused_reason_required" and refused.value.details["position"] == 2
    assert Visit.objects.count() == 0 and AuditEntry.objects.count() == audit_rows


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("size", "repeat", "code"),
    [(201, False, "batch_too_large"), (2, True, "client_uuid_repeated")],
)
def test_a_batch_too_large_or_with_a_visit_twice_is_refused(
    small_street: SmallStreet, size: int, repeat: bool, code: str
) -> None:
    key = uuid.uuid4()
    items = [
        VisitInput(small_street.household_a, key if repeat else uuid.uuid4(), NOW, Outcome.NOT_HOME)
        for _ in range(size)
    ]
    with pytest.raises(InvalidInput) as refused:
        _batch(small_street, items)
    assert refused.value.code == code and Visit.objects.count() == 0


@pytest.mark.django_db
def test_a_visit_id_taken_by_another_worker_is_a_conflict(small_street: SmallStreet) -> None:
    items = _prepare(small_street)
    _batch(small_street, items[:1])
    with pytest.raises(Conflict):
        _batch(small_street, items[:2], worker="community_staff")
    assert Visit.objects.count() == 1
