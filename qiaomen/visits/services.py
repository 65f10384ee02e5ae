"""Writes for visits: the shared calendar, pauses, verifications (recording a visit: recording.py)."""

from __future__ import annotations

import datetime as dt
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
from qiaomen.core.transitions import claim_transition
from qiaomen.places.models import Community, Grid
from qiaomen.registry.models import DataSource, Household, HouseholdStatus
from qiaomen.registry.services import record_change
from qiaomen.visits import reference
from qiaomen.visits.models import (
    PlannedPurpose,
    PlannedVisit,
    PlanStatus,
    VerificationRequest,
    VerificationStatus,
    VisitPause,
)
from qiaomen.visits.selectors import visit_policy

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
        reference.pauses_changed()
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
