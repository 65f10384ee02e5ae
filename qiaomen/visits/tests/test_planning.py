"""R-VIS-5: one calendar for every department; overlapping visits are joined."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from qiaomen.accounts.models import Department
from qiaomen.core.errors import InvalidInput
from qiaomen.testing import SmallStreet
from qiaomen.tickets.services.visit_demands import visit_record_with_tickets
from qiaomen.visits.models import Outcome, PlannedVisit, PlanStatus
from qiaomen.visits.services import visit_plan, visits_saved_by_joining

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def test_a_second_plan_within_the_window_is_shown_the_first_and_can_join_it(small_street: SmallStreet) -> None:
    health = Department.objects.get(code="weijian")
    staff = small_street.users["community_staff"]
    with time_machine.travel(TODAY, tick=False):
        first = visit_plan(
            user=staff, household=small_street.household_a, on=dt.date(2026, 11, 10), purpose="高龄津贴复核"
        )
        proposal = visit_plan(
            user=staff,
            household=small_street.household_a,
            on=dt.date(2026, 11, 20),
            purpose="家庭医生签约",
            department=health,
        )
        assert proposal.plan is None and proposal.overlapping == first.plan
        joined = visit_plan(
            user=staff,
            household=small_street.household_a,
            on=dt.date(2026, 11, 20),
            purpose="家庭医生签约",
            department=health,
            join=True,
        )
    assert joined.joined and joined.plan == first.plan
    assert first.plan is not None
    assert PlannedVisit.objects.count() == 1
    assert [p.purpose for p in first.plan.purposes.order_by("pk")] == ["高龄津贴复核", "家庭医生签约"]
    assert visits_saved_by_joining(PlannedVisit.objects.all()) == 1


def test_a_plan_outside_the_window_is_a_separate_visit(small_street: SmallStreet) -> None:
    staff = small_street.users["community_staff"]
    with time_machine.travel(TODAY, tick=False):
        visit_plan(user=staff, household=small_street.household_a, on=dt.date(2026, 11, 3), purpose="A")
        later = visit_plan(user=staff, household=small_street.household_a, on=dt.date(2026, 11, 18), purpose="B")
    assert later.plan is not None and not later.joined and PlannedVisit.objects.count() == 2


def test_declining_to_join_plans_a_separate_visit_knowingly(small_street: SmallStreet) -> None:
    staff = small_street.users["community_staff"]
    with time_machine.travel(TODAY, tick=False):
        visit_plan(user=staff, household=small_street.household_a, on=dt.date(2026, 11, 10), purpose="A")
        separate = visit_plan(
            user=staff, household=small_street.household_a, on=dt.date(2026, 11, 12), purpose="B", join=False
        )
    assert separate.plan is not None and separate.overlapping is not None and PlannedVisit.objects.count() == 2


def test_a_grid_workers_visit_fulfils_the_plan_whoever_made_it(small_street: SmallStreet) -> None:
    with time_machine.travel(TODAY, tick=False):
        plan = visit_plan(
            user=small_street.users["community_staff"],
            household=small_street.household_a,
            on=dt.date(2026, 11, 10),
            purpose="高龄津贴复核",
        ).plan
    with time_machine.travel(dt.datetime(2026, 11, 8, 3, tzinfo=dt.UTC), tick=False):
        visit, _ = visit_record_with_tickets(
            worker=small_street.users["worker_a"],
            household=small_street.household_a,
            client_uuid=uuid.uuid4(),
            visited_at=dt.datetime(2026, 11, 8, 2, tzinfo=dt.UTC),
            outcome=Outcome.MET,
            answers={"health": "良好", "safety": "安全"},
        )
    assert plan is not None
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DONE and visit.plan == plan


def test_a_plan_needs_a_purpose_and_a_future_date(small_street: SmallStreet) -> None:
    staff = small_street.users["community_staff"]
    with time_machine.travel(TODAY, tick=False):
        with pytest.raises(InvalidInput):
            visit_plan(user=staff, household=small_street.household_a, on=dt.date(2026, 11, 10), purpose=" ")
        with pytest.raises(InvalidInput):
            visit_plan(user=staff, household=small_street.household_a, on=dt.date(2026, 10, 10), purpose="A")
