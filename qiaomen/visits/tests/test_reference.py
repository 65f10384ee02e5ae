"""The visit type, the visit policy and a day's pauses that recording a visit reads are kept in
the process for a short while (visits.reference): read once outside a transaction, forgotten
at once when this process changes them, never kept from inside a transaction, and re-read
after KEPT_SECONDS when another process changed them.

Transactional tests: what a test transaction reads is never kept, by design."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from qiaomen.testing import SmallStreet
from qiaomen.tickets.services.visit_demands import visit_record_with_tickets
from qiaomen.visits import reference
from qiaomen.visits.models import ContactMode, Outcome, VisitPause, VisitPolicy, VisitType
from qiaomen.visits.services import visit_pause_create, visit_pause_lift

NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The monotonic clock the kept rows expire by, moved by the test."""
    now = [1000.0]
    monkeypatch.setattr(reference.time, "monotonic", lambda: now[0])
    return now


def _queries(read: object) -> int:
    with CaptureQueriesContext(connection) as queries:
        read()  # type: ignore[operator]
    return len(queries)


@pytest.mark.django_db(transaction=True)
def test_rows_read_outside_a_transaction_are_read_once(small_street: SmallStreet, clock: list[float]) -> None:
    assert _queries(lambda: reference.active_visit_type("routine")) == 1
    assert _queries(lambda: reference.policy()) >= 1
    assert _queries(lambda: reference.pauses_on(TODAY)) >= 1
    for read in (lambda: reference.active_visit_type("routine"), reference.policy, lambda: reference.pauses_on(TODAY)):
        assert _queries(read) == 0
    assert _queries(lambda: reference.pauses_on(TODAY + dt.timedelta(days=1))) >= 1  # each day its own


@pytest.mark.django_db(transaction=True)
def test_rows_read_inside_a_transaction_are_not_kept(small_street: SmallStreet, clock: list[float]) -> None:
    with transaction.atomic():
        assert reference.active_visit_type("routine") is not None
        assert _queries(lambda: reference.active_visit_type("routine")) == 1
    assert _queries(lambda: reference.active_visit_type("routine")) == 1


@pytest.mark.django_db(transaction=True)
def test_a_change_made_here_is_seen_at_once(small_street: SmallStreet, clock: list[float]) -> None:
    routine = reference.active_visit_type("routine")
    assert routine is not None
    routine.active = False
    routine.save()
    assert reference.active_visit_type("routine") is None

    assert reference.policy().checkin_flag_distance_m == 200
    policy = VisitPolicy.objects.get(pk=1)
    policy.checkin_flag_distance_m = 50
    policy.save()
    assert reference.policy().checkin_flag_distance_m == 50


@pytest.mark.django_db(transaction=True)
def test_a_pause_and_its_lift_change_the_next_visit_at_once(small_street: SmallStreet, clock: list[float]) -> None:
    admin, worker = small_street.users["street_admin"], small_street.users["worker_a"]

    def record() -> str:
        with time_machine.travel(NOW, tick=False):
            visit, _ = visit_record_with_tickets(
                worker=worker,
                household=small_street.household_a,
                client_uuid=uuid.uuid4(),
                visited_at=NOW - dt.timedelta(hours=1),
                outcome=Outcome.NOT_HOME,
            )
        return visit.contact_mode

    assert record() == ContactMode.IN_PERSON
    pause = visit_pause_create(
        user=admin, communities=[small_street.community_1], grids=[], starts_on=TODAY, ends_on=TODAY, reason="台风"
    )
    assert record() == ContactMode.PHONE  # the community's grid, through the pause's communities
    visit_pause_lift(user=admin, pause=pause)
    assert record() == ContactMode.IN_PERSON


@pytest.mark.django_db(transaction=True)
def test_a_change_made_by_another_process_is_seen_within_the_kept_time(
    small_street: SmallStreet, clock: list[float]
) -> None:
    assert reference.active_visit_type("routine") is not None
    assert reference.pauses_on(TODAY) == {}
    # Another server's changes send this process no signal: written here without signals.
    VisitType.objects.filter(code="routine").update(active=False)
    admin = small_street.users["street_admin"]
    (pause,) = VisitPause.objects.bulk_create(
        [VisitPause(starts_on=TODAY, ends_on=TODAY, reason="台风", created_by=admin)]
    )
    VisitPause.grids.through.objects.bulk_create(
        [VisitPause.grids.through(visitpause_id=pause.pk, grid_id=small_street.grid_a.pk)]
    )
    clock[0] += reference.KEPT_SECONDS - 1
    assert reference.active_visit_type("routine") is not None
    assert reference.pauses_on(TODAY) == {}
    clock[0] += reference.KEPT_SECONDS + 1
    assert reference.active_visit_type("routine") is None
    assert set(reference.pauses_on(TODAY)) == {small_street.grid_a.pk}


@pytest.mark.django_db(transaction=True)
def test_a_long_running_process_keeps_a_bounded_number_of_days(small_street: SmallStreet, clock: list[float]) -> None:
    for offset in range(reference.KEPT_MOST * 2):
        reference.pauses_on(TODAY - dt.timedelta(days=offset))
        assert len(reference._kept) <= reference.KEPT_MOST
