"""Writes for visits: recording a visit, the shared calendar, pauses, verifications."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import Department, User
from qiaomen.accounts.roles import Capability
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.idempotency import create_once
from qiaomen.core.transitions import claim_transition
from qiaomen.places.models import Community, Grid
from qiaomen.registry.models import DataSource, Household, HouseholdStatus
from qiaomen.registry.services import record_change
from qiaomen.visits.geo import distance_m
from qiaomen.visits.models import (
    ContactMode,
    Demand,
    Outcome,
    PlannedPurpose,
    PlannedVisit,
    PlanStatus,
    PolicyTopic,
    VerificationRequest,
    VerificationStatus,
    Visit,
    VisitPause,
    VisitType,
)
from qiaomen.visits.periods import local_date
from qiaomen.visits.questionnaire import clean_answers
from qiaomen.visits.selectors import paused_grid_ids, visit_policy

# A phone's clock may run a little fast; a visit "from the future" beyond this is refused.
CLOCK_SKEW = dt.timedelta(minutes=10)
# A visit kept offline longer than this is too old to be trusted as a record of the period.
OFFLINE_LIMIT = dt.timedelta(days=60)
MAX_DEMANDS = 20
MAX_DEMAND_TEXT = 1000


@dataclass(frozen=True)
class DemandInput:
    text: str
    resolved_on_spot: bool = False
    subcategory_code: str = ""  # empty: suggested from the text, or left for staff to classify


def _check_time(visited_at: dt.datetime, now: dt.datetime) -> None:
    if timezone.is_naive(visited_at):
        raise InvalidInput(
            "visited_at_no_offset", _("The visit time needs a time zone (e.g. 2026-11-29T09:30:00+08:00).")
        )
    if visited_at > now + CLOCK_SKEW:
        raise InvalidInput("visited_at_future", _("The visit time is in the future; check the phone's clock."))
    if visited_at < now - OFFLINE_LIMIT:
        raise InvalidInput("visited_at_too_old", _("The visit time is more than 60 days ago and cannot be recorded."))


def _check_position(lat: float | None, lng: float | None) -> None:
    if (lat is None) != (lng is None):
        raise InvalidInput("position_incomplete", _("A position needs both latitude and longitude."))
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidInput("position_invalid", _("Invalid position coordinates."))


def demands_clean(demands: list[DemandInput]) -> list[DemandInput]:
    if len(demands) > MAX_DEMANDS:
        raise InvalidInput(
            "too_many_demands", _("A visit may record at most %(limit)s demands.") % {"limit": MAX_DEMANDS}
        )
    cleaned = []
    for demand in demands:
        text = demand.text.strip()
        if not text:
            raise InvalidInput("demand_empty", _("A demand cannot be empty."))
        if len(text) > MAX_DEMAND_TEXT:
            raise InvalidInput(
                "demand_too_long", _("A demand may be at most %(limit)s characters.") % {"limit": MAX_DEMAND_TEXT}
            )
        cleaned.append(DemandInput(text, demand.resolved_on_spot, demand.subcategory_code.strip()))
    return cleaned


def visit_record(
    *,
    worker: User,
    household: Household,
    client_uuid: uuid.UUID,
    visited_at: dt.datetime,
    outcome: str,
    lat: float | None = None,
    lng: float | None = None,
    answers: dict[str, Any] | None = None,
    visit_type_code: str = "routine",
    policy_codes: list[str] | None = None,
    demands: list[DemandInput] | None = None,
    resolved_on_spot: bool = False,
    refused_reason: str = "",
    notes: str = "",
    request: HttpRequest | None = None,
) -> tuple[Visit, bool]:
    """Record a visit once. Returns (visit, created); a resent `client_uuid` returns the first
    visit unchanged, also when both copies arrive at the same moment (the unique constraint
    decides, not a prior look-up). Only the same worker's resend for the same household is a
    resend: a `client_uuid` already used otherwise is a Conflict, and that visit is not shown.
    The caller has already checked that the household is in the worker's places."""

    def write() -> Visit:
        # A first copy only: checked and written in core.idempotency's transaction.
        now = timezone.now()
        if outcome not in Outcome.values:
            raise InvalidInput("outcome_invalid", _("Invalid visit outcome."))
        _check_time(visited_at, now)
        _check_position(lat, lng)
        if outcome == Outcome.REFUSED and not refused_reason.strip():
            raise InvalidInput("refused_reason_required", _("Give the reason when entry was refused."))
        visit_type = VisitType.objects.filter(code=visit_type_code, active=True).first()
        if visit_type is None:
            raise InvalidInput("visit_type_unknown", _("Unknown visit type."))
        cleaned_answers = clean_answers(visit_type.questions, answers or {}, require=outcome == Outcome.MET)
        codes = sorted(set(policy_codes or []))
        policies = list(PolicyTopic.objects.filter(code__in=codes, active=True))
        if len(policies) != len(codes):
            raise InvalidInput("policy_unknown", _("The policy is not in the policy list."))
        cleaned_demands = demands_clean(demands or [])
        policy = visit_policy()
        building = household.building
        distance = None
        if lat is not None and lng is not None and building.lat is not None and building.lng is not None:
            distance = round(distance_m((lat, lng), (building.lat, building.lng)))
        paused = building.grid_id in paused_grid_ids(on=local_date(visited_at))
        visit = Visit.objects.create(
            client_uuid=client_uuid,
            household=household,
            grid_id=building.grid_id,
            worker=worker,
            visit_type=visit_type,
            visited_at=visited_at,
            received_at=now,
            contact_mode=ContactMode.PHONE if paused else ContactMode.IN_PERSON,
            outcome=outcome,
            refused_reason=refused_reason.strip()[:200],
            lat=lat,
            lng=lng,
            distance_m=distance,
            far_from_building=distance is not None and distance > policy.checkin_flag_distance_m,
            answers=cleaned_answers,
            resolved_on_spot=resolved_on_spot,
            notes=notes.strip(),
        )
        visit.policies.set(policies)
        for demand_input in cleaned_demands:
            Demand.objects.create(
                visit=visit,
                household=household,
                text=demand_input.text,
                resolved_on_spot=demand_input.resolved_on_spot,
                raised_at=visited_at,
            )
        _apply_outcome(visit, household)
        _fulfil_plans(visit, policy.join_window_days)
        audit_record(
            action="visit.record",
            actor=worker,
            request=request,
            obj=visit,
            detail={"household": household.pk, "outcome": outcome, "demands": len(cleaned_demands)},
        )
        return visit

    visit, created = create_once(find=lambda: Visit.objects.filter(client_uuid=client_uuid).first(), create=write)
    return (visit, True) if created else (_resent(visit, worker, household), False)


def _resent(visit: Visit, worker: User, household: Household) -> Visit:
    """The visit already recorded under a client_uuid, when this is its worker resending it."""
    if visit.worker_id != worker.pk or visit.household_id != household.pk:
        raise Conflict("client_uuid_taken", _("This visit ID is used by another visit; generate a new one."))
    return visit


def _apply_outcome(visit: Visit, household: Household) -> None:
    """Outcomes feed the registry (R-REG-4): a visit that met the household verifies it; moved
    out or a mismatch sends it to community staff to verify."""
    if visit.outcome == Outcome.MET:
        if household.last_verified_at is None or household.last_verified_at < visit.visited_at:
            Household.objects.filter(pk=household.pk).update(
                last_verified_at=visit.visited_at, last_verified_source=DataSource.objects.get(code="visit")
            )
    elif (
        visit.outcome in (Outcome.MOVED_OUT, Outcome.MISMATCH)
        and not VerificationRequest.objects.filter(household=household, status=VerificationStatus.OPEN).exists()
    ):
        VerificationRequest.objects.create(
            household=household, visit=visit, reason=visit.outcome, created_at=visit.received_at
        )


def _fulfil_plans(visit: Visit, window_days: int) -> None:
    """Whichever department planned it, one visit by the grid worker satisfies the plan."""
    day = local_date(visit.visited_at)
    plan = (
        PlannedVisit.objects.filter(
            household=visit.household,
            status=PlanStatus.PLANNED,
            planned_for__gte=day - dt.timedelta(days=window_days),
            planned_for__lte=day + dt.timedelta(days=window_days),
        )
        .order_by("planned_for")
        .first()
    )
    if plan is not None and visit.outcome != Outcome.NOT_HOME:
        claim_transition(
            row=plan, to_state=PlanStatus.DONE, action="fulfil", actor=visit.worker, detail={"visit": visit.pk}
        )
        Visit.objects.filter(pk=visit.pk).update(plan=plan)
        visit.plan = plan


# --- the shared calendar (R-VIS-5) -----------------------------------------------------------


@dataclass(frozen=True)
class PlanResult:
    plan: PlannedVisit | None  # None: an overlapping plan exists and the planner must choose
    joined: bool
    overlapping: PlannedVisit | None


def _plans_within_window(on: dt.date) -> QuerySet[PlannedVisit]:
    """Planned visits close enough to `on` to be joined, earliest first."""
    window = dt.timedelta(days=visit_policy().join_window_days)
    return PlannedVisit.objects.filter(
        status=PlanStatus.PLANNED, planned_for__gte=on - window, planned_for__lte=on + window
    ).order_by("planned_for", "pk")


def planned_visit_overlapping(*, household: Household, on: dt.date) -> PlannedVisit | None:
    return _plans_within_window(on).filter(household=household).first()


def _check_plan_input(purpose: str, on: dt.date) -> str:
    purpose = purpose.strip()
    if not purpose:
        raise InvalidInput("purpose_required", _("Please give the purpose of the visit."))
    if on < timezone.localdate():
        raise InvalidInput("plan_in_past", _("A visit cannot be planned for a past date."))
    return purpose


def visit_plan(
    *,
    user: User,
    household: Household,
    on: dt.date,
    purpose: str,
    department: Department | None = None,
    join: bool | None = None,
    request: HttpRequest | None = None,
) -> PlanResult:
    """Plan a visit. If another is planned for the household within the window, nothing is
    created until the planner says `join=True` (one visit, several purposes) or `join=False`
    (a separate visit, knowingly)."""
    purpose = _check_plan_input(purpose, on)
    overlapping = planned_visit_overlapping(household=household, on=on)
    if overlapping is not None and join is None:
        return PlanResult(plan=None, joined=False, overlapping=overlapping)
    with transaction.atomic():
        if overlapping is not None and join:
            plan = overlapping
        else:
            plan = PlannedVisit.objects.create(household=household, planned_for=on, created_by=user)
        PlannedPurpose.objects.create(
            plan=plan,
            purpose=purpose[:200],
            department=department or user.department,
            requested_by=user,
            joined=plan is overlapping,
        )
        audit_record(
            action="visit.plan",
            actor=user,
            request=request,
            obj=plan,
            detail={"household": household.pk, "joined": plan is overlapping},
        )
    return PlanResult(plan=plan, joined=plan is overlapping, overlapping=overlapping)


@dataclass(frozen=True)
class GroupPlanResult:
    planned: int  # households whose visit is now in the calendar (0 while the planner must choose)
    joined: int  # of those, households whose purpose rode on a visit someone had already planned
    overlapping: list[PlannedVisit]  # the first plan of each household that has one within the window


def visit_plan_households(
    *,
    user: User,
    households: list[Household],
    on: dt.date,
    purpose: str,
    department: Department | None = None,
    join: bool | None = None,
    request: HttpRequest | None = None,
) -> GroupPlanResult:
    """Plan the same visit for several households (one, a building, a grid …), all or nothing.

    If some already have a visit planned within the window and the planner has not said `join`,
    nothing is planned: their plans come back so that the planner decides once for the group
    instead of household by household.
    """
    if not households:
        raise InvalidInput("plan_no_households", _("No households in the chosen area need a visit."))
    purpose = _check_plan_input(purpose, on)
    if join is None:
        overlapping: dict[int, PlannedVisit] = {}
        plans = _plans_within_window(on).filter(household__in=[household.pk for household in households])
        for plan in plans.select_related("household__building", "created_by"):
            overlapping.setdefault(plan.household_id, plan)
        if overlapping:
            return GroupPlanResult(planned=0, joined=0, overlapping=list(overlapping.values()))
    with transaction.atomic():
        results = [
            visit_plan(
                user=user,
                household=household,
                on=on,
                purpose=purpose,
                department=department,
                join=bool(join),
                request=request,
            )
            for household in households
        ]
    return GroupPlanResult(planned=len(results), joined=sum(result.joined for result in results), overlapping=[])


def visits_saved_by_joining(plans: Any) -> int:
    """Each purpose that rode on someone else's planned visit is one knock the household was spared."""
    return PlannedPurpose.objects.filter(plan__in=plans, joined=True).count()


# --- pauses (R-VIS-7) ------------------------------------------------------------------------


def visit_pause_create(
    *,
    user: User,
    communities: list[Community],
    grids: list[Grid],
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str,
    request: HttpRequest | None = None,
) -> VisitPause:
    if not user.can(Capability.PAUSE_VISITS):
        raise Forbidden("pause_not_allowed", _("Only a street administrator can pause visits."))
    if not communities and not grids:
        raise InvalidInput("pause_area_required", _("Choose the community or grid where visits pause."))
    if ends_on < starts_on:
        raise InvalidInput("pause_dates", _("The end date cannot be before the start date."))
    if not reason.strip():
        raise InvalidInput("pause_reason_required", _("Give the reason for the pause (e.g. a typhoon, an epidemic)."))
    with transaction.atomic():
        pause = VisitPause.objects.create(
            starts_on=starts_on, ends_on=ends_on, reason=reason.strip()[:200], created_by=user
        )
        pause.communities.set(communities)
        pause.grids.set(grids)
        audit_record(
            action="visit.pause",
            actor=user,
            request=request,
            obj=pause,
            detail={"communities": [c.pk for c in communities], "grids": [g.pk for g in grids]},
        )
    return pause


def visit_pause_lift(*, user: User, pause: VisitPause, request: HttpRequest | None = None) -> None:
    if not user.can(Capability.PAUSE_VISITS):
        raise Forbidden("pause_not_allowed", _("Only a street administrator can resume visits."))
    with transaction.atomic():
        VisitPause.objects.filter(pk=pause.pk, lifted_at__isnull=True).update(lifted_at=timezone.now())
        audit_record(action="visit.pause_lift", actor=user, request=request, obj=pause)


def verification_resolve(
    *,
    user: User,
    verification: VerificationRequest,
    note: str,
    household_status: str | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Community staff close a verification, optionally setting the household's status."""
    if household_status is not None and household_status not in HouseholdStatus.values:
        raise InvalidInput("household_status_invalid", _("Invalid household status."))
    now = timezone.now()
    if verification.status != VerificationStatus.OPEN:
        raise Conflict("verification_already_done", _("This verification has already been handled."))
    with transaction.atomic():
        claim_transition(
            row=verification,
            to_state=VerificationStatus.DONE,
            action="resolve",
            actor=user,
            reason=note.strip()[:200],
            changes={"resolved_by": user, "resolved_at": now, "resolution_note": note.strip()[:200]},
            detail={"household_status": household_status or ""},
            request=request,
            at=now,
        )
        household = verification.household
        if household_status and household_status != household.status:
            record_change(
                object_type="household",
                object_id=household.pk,
                field="status",
                old_masked=household.status,
                new_masked=household_status,
                at=now,
                actor=user,
                source=DataSource.objects.get(code="visit"),
            ).save()
            Household.objects.filter(pk=household.pk).update(
                status=household_status, last_verified_at=now, last_verified_source=DataSource.objects.get(code="staff")
            )
