"""R-VIS-3/4 and SECURITY 29: a visit is recorded once, checked, and feeds the registry."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import pytest
import time_machine
from django.db import connection

from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.core.models import AuditEntry
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet
from qiaomen.tickets.services.visit_demands import visit_record_with_tickets
from qiaomen.visits import recording
from qiaomen.visits.models import ContactMode, Demand, Outcome, VerificationRequest, Visit
from qiaomen.visits.recording import DemandInput
from qiaomen.visits.services import verification_resolve, visit_pause_create

NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)
ANSWERS = {"health": "良好", "safety": "安全"}


def _record(street: SmallStreet, **overrides: object) -> tuple[Visit, bool]:
    arguments: dict[str, object] = {
        "worker": street.users["worker_a"],
        "household": street.household_a,
        "client_uuid": uuid.uuid4(),
        "visited_at": NOW - dt.timedelta(hours=1),
        "outcome": Outcome.MET,
        "answers": ANSWERS,
    }
    arguments.update(overrides)
    with time_machine.travel(NOW, tick=False):
        return visit_record_with_tickets(**arguments)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_same_client_uuid_twice_records_one_visit(small_street: SmallStreet) -> None:
    key = uuid.uuid4()
    first, created = _record(small_street, client_uuid=key, demands=[DemandInput("想申请助餐")])
    again, created_again = _record(small_street, client_uuid=key, demands=[DemandInput("想申请助餐")])
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert Visit.objects.count() == 1 and Demand.objects.count() == 1


@pytest.mark.django_db
def test_a_client_uuid_already_used_by_another_worker_or_household_is_a_conflict(small_street: SmallStreet) -> None:
    key = uuid.uuid4()
    _record(small_street, client_uuid=key)
    with pytest.raises(Conflict):
        _record(small_street, client_uuid=key, worker=small_street.users["community_staff"])
    with pytest.raises(Conflict):
        _record(small_street, client_uuid=key, household=small_street.household_b)
    assert Visit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_copies_make_one_visit(small_street: SmallStreet) -> None:
    key = uuid.uuid4()
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)

    def send() -> None:
        try:
            barrier.wait()
            visit, _ = _record(small_street, client_uuid=key)
            results.append(visit.pk)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 10 and len(set(results)) == 1
    assert Visit.objects.filter(client_uuid=key).count() == 1


@pytest.mark.django_db
def test_both_the_phone_time_and_the_server_time_are_kept(small_street: SmallStreet) -> None:
    three_days_ago = NOW - dt.timedelta(days=3)
    visit, _ = _record(small_street, visited_at=three_days_ago)
    assert visit.visited_at == three_days_ago and visit.received_at == NOW


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"outcome": "asleep"}, "outcome_invalid"),
        ({"visited_at": NOW + dt.timedelta(hours=1)}, "visited_at_future"),
        ({"visited_at": dt.datetime(2026, 11, 16, 9, 0)}, "visited_at_no_offset"),
        ({"visited_at": NOW - dt.timedelta(days=61)}, "visited_at_too_old"),
        ({"lat": 31.2}, "position_incomplete"),
        ({"lat": 95.0, "lng": 121.0}, "position_invalid"),
        ({"outcome": Outcome.REFUSED, "answers": {}}, "refused_reason_required"),
        ({"answers": {"health": "良好"}}, "answer_required"),
        ({"answers": {**ANSWERS, "health": "很好"}}, "answer_invalid"),
        ({"answers": {**ANSWERS, "pets": 2}}, "answer_unknown_question"),
        ({"policy_codes": ["no_such_policy"]}, "policy_unknown"),
        ({"demands": [DemandInput("   ")]}, "demand_empty"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_records_nothing(
    small_street: SmallStreet, overrides: dict[str, object], code: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        _record(small_street, **overrides)
    assert error.value.code == code
    assert Visit.objects.count() == 0 and AuditEntry.objects.filter(action="visit.record").count() == 0


@pytest.mark.django_db
def test_a_check_in_far_from_the_building_is_flagged(small_street: SmallStreet) -> None:
    building = small_street.building_a  # at (31.2, 121.4)
    assert building.lat is not None and building.lng is not None
    near, _ = _record(small_street, lat=building.lat + 0.001, lng=building.lng)  # about 111 m
    far, _ = _record(small_street, lat=building.lat + 0.003, lng=building.lng)  # about 334 m
    assert (near.distance_m, near.far_from_building) == (111, False)
    assert far.far_from_building and far.distance_m == 334


@pytest.mark.django_db
def test_meeting_the_household_verifies_it(small_street: SmallStreet) -> None:
    visit, _ = _record(small_street)
    household = Household.objects.get(pk=small_street.household_a.pk)
    assert household.last_verified_at == visit.visited_at
    assert household.last_verified_source is not None and household.last_verified_source.code == "visit"


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", [Outcome.MOVED_OUT, Outcome.MISMATCH])
def test_moved_out_and_mismatch_go_to_the_verification_queue_once(small_street: SmallStreet, outcome: str) -> None:
    _record(small_street, outcome=outcome, answers={})
    _record(small_street, outcome=outcome, answers={})
    request = VerificationRequest.objects.get()
    assert request.reason == outcome
    verification_resolve(
        user=small_street.users["community_staff"],
        verification=request,
        note="已核实，已搬走",
        household_status="moved_out",
    )
    household = Household.objects.get(pk=small_street.household_a.pk)
    assert household.status == "moved_out"


@pytest.mark.django_db
def test_refusals_are_kept_with_their_reason(small_street: SmallStreet) -> None:
    visit, _ = _record(small_street, outcome=Outcome.REFUSED, answers={}, refused_reason="不愿开门")
    assert visit.refused_reason == "不愿开门"


@pytest.mark.django_db
def test_during_a_pause_a_visit_is_recorded_as_phone_contact(small_street: SmallStreet) -> None:
    with time_machine.travel(NOW, tick=False):
        visit_pause_create(
            user=small_street.users["street_admin"],
            communities=[],
            grids=[small_street.grid_a],
            starts_on=dt.date(2026, 11, 15),
            ends_on=dt.date(2026, 11, 20),
            reason="台风",
        )
    visit, _ = _record(small_street)
    assert visit.contact_mode == ContactMode.PHONE


@pytest.mark.django_db(transaction=True)
def test_a_first_copy_is_checked_before_the_write_transaction_and_a_resend_not_at_all(
    small_street: SmallStreet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the write transaction holds the database's one write lock: the checks and their
    reads run before it opens (core.idempotency.create_once_checked)."""
    checked_in_transaction: list[bool] = []
    check = recording._visit_prepared

    def watched(*args: Any, **kwargs: Any) -> Any:
        checked_in_transaction.append(connection.in_atomic_block)
        return check(*args, **kwargs)

    monkeypatch.setattr(recording, "_visit_prepared", watched)
    key = uuid.uuid4()
    first, created = _record(small_street, client_uuid=key)
    assert created and checked_in_transaction == [False]
    again, created = _record(small_street, client_uuid=key)
    assert (again.pk, created) == (first.pk, False)
    assert checked_in_transaction == [False]
