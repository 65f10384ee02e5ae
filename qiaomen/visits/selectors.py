"""Reads for visits: who is due, in what order to walk, and the coverage figures.

Each selector loads what it needs in a fixed number of queries and does the per-household
arithmetic in Python: a grid is a few hundred households, a street some tens of thousands, and
one pass over small tuples is faster than asking the database per household.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qiaomen.accounts.models import User
from qiaomen.accounts.places import communities_for_user, grids_for_user
from qiaomen.accounts.roles import Capability, Role
from qiaomen.core.lookups import unique_or_none
from qiaomen.places.models import Building, Community, Grid
from qiaomen.registry.models import Household, HouseholdStatus, PersonStatus, PersonTag
from qiaomen.registry.selectors import households_for_user
from qiaomen.visits.geo import Point, distance_m, walking_order
from qiaomen.visits.models import (
    Demand,
    Outcome,
    PlannedPurpose,
    PlannedVisit,
    PlanStatus,
    PolicyTopic,
    VerificationRequest,
    Visit,
    VisitPause,
    VisitPolicy,
    VisitRule,
    VisitType,
)
from qiaomen.visits.periods import Period, PeriodKind, local_date, period_containing
from qiaomen.visits.rules import AdaptivePolicy, Requirement, RuleSpec, household_requirements

# Visits that reached the household or settled its status. "Not at home" is an attempt, not a
# visit; "refused" is counted apart (R-VIS-6).
CONTACT_OUTCOMES = (Outcome.MET, Outcome.MOVED_OUT, Outcome.MISMATCH)
NOT_VISITED_STATUSES = (HouseholdStatus.MOVED_OUT,)


def visit_policy() -> VisitPolicy:
    return VisitPolicy.objects.get_or_create(pk=1)[0]


def rule_specs() -> list[RuleSpec]:
    return [
        RuleSpec(rule.name, rule.tag_id, PeriodKind(rule.period), rule.min_visits)
        for rule in VisitRule.objects.filter(active=True)
    ]


def visits_for_user(user: User) -> QuerySet[Visit]:
    return Visit.objects.filter(household__in=households_for_user(user))


def visit_for_user(user: User, pk: int) -> Visit:
    visit = visits_for_user(user).select_related("household__building", "worker").filter(pk=pk).first()
    if visit is None:
        raise Http404
    return visit


def planned_visits_for_user(user: User) -> QuerySet[PlannedVisit]:
    return PlannedVisit.objects.filter(household__in=households_for_user(user))


def planned_visit_for_user(user: User, pk: int) -> PlannedVisit:
    plan = planned_visits_for_user(user).select_related("household__building").filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


# --- pauses ----------------------------------------------------------------------------------


def active_pauses(*, on: dt.date) -> list[VisitPause]:
    return list(
        VisitPause.objects.filter(starts_on__lte=on, ends_on__gte=on, lifted_at__isnull=True).prefetch_related(
            "communities", "grids"
        )
    )


def paused_grid_ids(*, on: dt.date) -> dict[int, VisitPause]:
    """Grid id → the pause that stops visits there on `on` (a community pause covers its grids)."""
    paused: dict[int, VisitPause] = {}
    for pause in active_pauses(on=on):
        community_ids = [community.pk for community in pause.communities.all()]
        for grid_id in Grid.objects.filter(community_id__in=community_ids).values_list("pk", flat=True):
            paused.setdefault(grid_id, pause)
        for grid in pause.grids.all():
            paused.setdefault(grid.pk, pause)
    return paused


def pauses_overlapping(period: Period) -> list[VisitPause]:
    last_day = period.next_first_day - dt.timedelta(days=1)
    return list(
        VisitPause.objects.filter(starts_on__lte=last_day, ends_on__gte=period.first_day)
        .filter(Q(lifted_at__isnull=True) | Q(lifted_at__gte=period.start))
        .prefetch_related("communities", "grids")
    )


def grids_paused_during(period: Period) -> set[int]:
    grid_ids: set[int] = set()
    for pause in pauses_overlapping(period):
        grid_ids.update(grid.pk for grid in pause.grids.all())
        community_ids = [community.pk for community in pause.communities.all()]
        grid_ids.update(Grid.objects.filter(community_id__in=community_ids).values_list("pk", flat=True))
    return grid_ids


# --- who is due --------------------------------------------------------------------------------


class Tier:
    """Most urgent first (R-VIS-2)."""

    OVERDUE_SPECIAL = 0
    DUE_SPECIAL = 1
    OVERDUE = 2
    DUE = 3
    LABELS = {0: "overdue_special", 1: "due_special", 2: "overdue", 3: "due"}


@dataclass
class DueHousehold:
    household: Household
    special: bool
    requirements: list[Requirement]
    remaining: int  # visits still needed in the current period of the most pressing requirement
    overdue: bool
    tier: int
    last_visit_at: dt.datetime | None
    suggest_other_contact: bool  # several "not at home" in a row: phone or an evening visit
    phone_contact: bool  # the area is paused: contact by phone or online instead
    open_plan_purposes: list[str] = field(default_factory=list)

    @property
    def tier_label(self) -> str:
        return Tier.LABELS[self.tier]


@dataclass
class WorkList:
    items: list[DueHousehold]
    walking_distance_m: float
    start: Point | None
    paused_reason: str = ""

    @property
    def due_count(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class _VisitFacts:
    contact_times: dict[int, list[dt.datetime]]
    last_outcomes: dict[int, list[str]]  # newest first
    last_visit: dict[int, dt.datetime]


def _visit_facts(household_ids: list[int], since: dt.datetime) -> _VisitFacts:
    contact_times: dict[int, list[dt.datetime]] = defaultdict(list)
    last_outcomes: dict[int, list[str]] = defaultdict(list)
    last_visit: dict[int, dt.datetime] = {}
    rows = (
        Visit.objects.filter(household_id__any_of=household_ids, visited_at__gte=since)
        .order_by("household_id", "-visited_at")
        .values_list("household_id", "visited_at", "outcome")
    )
    for household_id, visited_at, outcome in rows.iterator(chunk_size=5000):
        last_visit.setdefault(household_id, visited_at)
        if len(last_outcomes[household_id]) < 5:
            last_outcomes[household_id].append(outcome)
        if outcome in CONTACT_OUTCOMES:
            contact_times[household_id].append(visited_at)
    return _VisitFacts(contact_times, last_outcomes, last_visit)


def _tags_by_household(household_ids: list[int]) -> dict[int, set[int]]:
    tags: dict[int, set[int]] = defaultdict(set)
    rows = PersonTag.objects.filter(
        person__household_id__any_of=household_ids, person__status=PersonStatus.ACTIVE, tag__active=True
    ).values_list("person__household_id", "tag_id")
    for household_id, tag_id in rows:
        tags[household_id].add(tag_id)
    return tags


def _special_tag_ids() -> set[int]:
    from qiaomen.registry.models import Tag

    return set(Tag.objects.filter(is_special_group=True, active=True).values_list("pk", flat=True))


def _recent_demands(household_ids: list[int], since: dt.datetime) -> dict[int, int]:
    """Demands per household since `since`: every ticket (whatever its channel) plus the
    demands raised on visits that have not become tickets yet, so none is counted twice.
    Tickets are read through the household's reverse relation: visits sits below tickets and
    does not import it."""
    counts: dict[int, int] = defaultdict(int)
    tickets = Household.objects.filter(pk__any_of=household_ids, tickets__created_at__gte=since)
    unticketed = Demand.objects.filter(household_id__any_of=household_ids, raised_at__gte=since, ticket__isnull=True)
    for rows in (tickets.values_list("pk", flat=True), unticketed.values_list("household_id", flat=True)):
        for household_id in rows:
            counts[household_id] += 1
    return counts


def _count_in(times: Iterable[dt.datetime], period: Period) -> int:
    return sum(1 for moment in times if period.contains(moment))


def _assess(
    household: Household,
    requirements: list[Requirement],
    contact_times: list[dt.datetime],
    today: dt.date,
) -> tuple[int, bool]:
    """(visits still needed now, overdue) for the most pressing requirement."""
    remaining, overdue = 0, False
    for requirement in requirements:
        current = period_containing(requirement.period, today)
        left = requirement.visits - _count_in(contact_times, current)
        if left <= 0:
            continue
        previous = current.previous()
        missed_before = household.created_at < previous.end and _count_in(contact_times, previous) < requirement.visits
        if (missed_before, left) > (overdue, remaining):
            remaining, overdue = left, missed_before
    return remaining, overdue


def due_households(households: Iterable[Household], *, now: dt.datetime) -> list[DueHousehold]:
    """Every household that still needs a visit in its current period, with its tier."""
    households = [h for h in households if h.status not in NOT_VISITED_STATUSES]
    ids = [h.pk for h in households]
    today = local_date(now)
    policy = visit_policy()
    rules = rule_specs()
    adaptive = AdaptivePolicy(policy.adaptive_demand_threshold, policy.adaptive_bonus_per_month)
    # Far enough back to judge the previous quarter and to see a streak of "not at home".
    since = period_containing(PeriodKind.QUARTER, today).previous().start
    facts = _visit_facts(ids, since)
    tags = _tags_by_household(ids)
    special_tags = _special_tag_ids()
    demands = _recent_demands(ids, now - dt.timedelta(days=policy.adaptive_window_days))
    paused = paused_grid_ids(on=today)
    plans = _open_plan_purposes(ids, today, policy.join_window_days)
    due: list[DueHousehold] = []
    for household in households:
        tag_ids = tags.get(household.pk, set())
        requirements = household_requirements(
            rules=rules, tag_ids=tag_ids, recent_demands=demands.get(household.pk, 0), adaptive=adaptive
        )
        remaining, overdue = _assess(household, requirements, facts.contact_times.get(household.pk, []), today)
        if remaining <= 0:
            continue
        special = bool(tag_ids & special_tags)
        tier = (
            (Tier.OVERDUE_SPECIAL if overdue else Tier.DUE_SPECIAL)
            if special
            else (Tier.OVERDUE if overdue else Tier.DUE)
        )
        streak = facts.last_outcomes.get(household.pk, [])[: policy.not_home_streak]
        due.append(
            DueHousehold(
                household=household,
                special=special,
                requirements=requirements,
                remaining=remaining,
                overdue=overdue,
                tier=tier,
                last_visit_at=facts.last_visit.get(household.pk),
                suggest_other_contact=len(streak) == policy.not_home_streak
                and all(outcome == Outcome.NOT_HOME for outcome in streak),
                phone_contact=household.building.grid_id in paused,
                open_plan_purposes=plans.get(household.pk, []),
            )
        )
    return due


def _open_plan_purposes(household_ids: list[int], today: dt.date, window_days: int) -> dict[int, list[str]]:
    purposes: dict[int, list[str]] = defaultdict(list)
    rows = PlannedVisit.objects.filter(
        household_id__any_of=household_ids,
        status=PlanStatus.PLANNED,
        planned_for__lte=today + dt.timedelta(days=window_days),
    ).values_list("household_id", "purposes__purpose")
    for household_id, purpose in rows:
        if purpose:
            purposes[household_id].append(purpose)
    return purposes


def _building_point(building: Building) -> Point | None:
    return (building.lat, building.lng) if building.lat is not None and building.lng is not None else None


def _route(items: list[DueHousehold], start: Point | None) -> tuple[list[DueHousehold], float, Point | None]:
    """Order one tier building by building in a short walk; returns where the walk ended."""
    by_building: dict[int, list[DueHousehold]] = defaultdict(list)
    for item in items:
        by_building[item.household.building_id].append(item)
    buildings = [group[0].household.building for group in by_building.values()]
    located = [b for b in buildings if _building_point(b) is not None]
    unlocated = [b for b in buildings if _building_point(b) is None]
    points = [_building_point(b) for b in located]
    here = start or (points[0] if points else None)
    distance = 0.0
    ordered_buildings = list(unlocated)
    if here is not None and located:
        order = walking_order(here, points)  # type: ignore[arg-type]
        for index in order:
            point = points[index]
            distance += distance_m(here, point)  # type: ignore[arg-type]
            here = point
            ordered_buildings.append(located[index])
    ordered: list[DueHousehold] = []
    for building in ordered_buildings:
        ordered.extend(sorted(by_building[building.pk], key=lambda i: (i.household.unit, i.household.room)))
    return ordered, distance, here


WORK_LIST_FIELDS = ("building_id", "unit", "room", "status", "created_at", "address_key")
WORK_LIST_BUILDING_FIELDS = (
    "name",
    "address",
    "lat",
    "lng",
    "grid_id",
    "grid__name",
    "grid__center_lat",
    "grid__center_lng",
)


def work_list(
    households: QuerySet[Household], *, now: dt.datetime | None = None, start: Point | None = None
) -> WorkList:
    """Households due or overdue, most urgent tier first, each tier in walking order.

    `start` is the worker's position; without it the walk starts at the grid's centre.
    Households in a paused area come last, marked for phone contact, outside the walk.
    """
    now = now or timezone.now()
    # Only the columns the list shows: converting timestamps nobody reads was a third of the
    # time. Each building and its grid are read once and shared by their households (a grid of
    # 500 households has some 30 buildings), not built again for every household's row.
    buildings = Building.objects.select_related("grid").only(*WORK_LIST_BUILDING_FIELDS)
    rows = households.only(*WORK_LIST_FIELDS).prefetch_related(Prefetch("building", queryset=buildings))
    due = due_households(rows, now=now)
    if start is None and due:
        grid = due[0].household.building.grid
        if grid.center_lat is not None and grid.center_lng is not None:
            start = (grid.center_lat, grid.center_lng)
    walk_start = start
    ordered: list[DueHousehold] = []
    total = 0.0
    for tier in (Tier.OVERDUE_SPECIAL, Tier.DUE_SPECIAL, Tier.OVERDUE, Tier.DUE):
        tier_items = [item for item in due if item.tier == tier and not item.phone_contact]
        route, distance, walk_start = _route(tier_items, walk_start)
        ordered.extend(route)
        total += distance
    phone = sorted((item for item in due if item.phone_contact), key=lambda i: (i.tier, str(i.household)))
    reason = ""
    if phone:
        reason = paused_grid_ids(on=local_date(now))[phone[0].household.building.grid_id].reason
    return WorkList(items=ordered + phone, walking_distance_m=total, start=start, paused_reason=reason)


def due_counts_by_grid(households: QuerySet[Household], *, now: dt.datetime | None = None) -> dict[int, Counter[str]]:
    """Grid id → how many households are due in each tier (by `Tier.LABELS`), plus "phone" for
    those to be contacted by phone: the overview of community and street staff."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for item in due_households(households.select_related("building"), now=now or timezone.now()):
        grid_counts = counts[item.household.building.grid_id]
        grid_counts[item.tier_label] += 1
        grid_counts["phone"] += item.phone_contact
    return counts


# --- pages: verifications, the calendar, pauses, a household's visits ---------------------------


def verifications_for_user(user: User) -> QuerySet[VerificationRequest]:
    return VerificationRequest.objects.filter(household__in=households_for_user(user))


def verification_for_user(user: User, pk: int) -> VerificationRequest:
    verification = (
        verifications_for_user(user).select_related("household__building", "visit__worker").filter(pk=pk).first()
    )
    if verification is None:
        raise Http404
    return verification


def plannable_grids(user: User) -> QuerySet[Grid]:
    """Where the user may put visits into the shared calendar (R-VIS-5).

    Staff plan within their places. A department handler has no registry places, yet every
    department's visits must go into the one calendar: they plan by place (names only, nobody's
    file) anywhere in their department's street, or anywhere when the department serves the
    whole installation (a department without a street, as in a one-street install).
    """
    if not user.can(Capability.PLAN_VISITS):
        return Grid.objects.none()
    if user.role != Role.DEPARTMENT_HANDLER:
        return grids_for_user(user)
    if user.department is None:
        return Grid.objects.none()
    if user.department.street_id is None:
        return Grid.objects.all()
    return Grid.objects.filter(community__street_id=user.department.street_id)


def plannable_households(
    user: User, *, community: Community | None = None, grid: Grid | None = None, building: Building | None = None
) -> QuerySet[Household]:
    """The households of one plannable place that a planned visit would knock on."""
    households = Household.objects.filter(building__grid__in=plannable_grids(user)).exclude(
        status__in=NOT_VISITED_STATUSES
    )
    if building is not None:
        return households.filter(building=building)
    if grid is not None:
        return households.filter(building__grid=grid)
    if community is not None:
        return households.filter(building__grid__community=community)
    return households.none()


def calendar_plans_for_user(user: User) -> QuerySet[PlannedVisit]:
    """The planned visits a user sees in the calendar: staff those of their places, a department
    handler those carrying one of their department's purposes."""
    if user.role == Role.DEPARTMENT_HANDLER:
        if not user.can(Capability.PLAN_VISITS) or user.department_id is None:
            return PlannedVisit.objects.none()
        return PlannedVisit.objects.filter(
            pk__in=PlannedPurpose.objects.filter(department_id=user.department_id).values("plan_id")
        )
    return planned_visits_for_user(user)


def pauses_for_user(user: User) -> QuerySet[VisitPause]:
    """Pauses that stop visits somewhere in the user's places."""
    touching = VisitPause.objects.filter(
        Q(grids__in=grids_for_user(user)) | Q(communities__in=communities_for_user(user))
    )
    # Through the primary keys, so that a pause touching several of the places is listed once.
    return VisitPause.objects.filter(pk__in=touching.values("pk"))


def pause_for_user(user: User, pk: int) -> VisitPause:
    pause = pauses_for_user(user).filter(pk=pk).first()
    if pause is None:
        raise Http404
    return pause


def household_recent_visits(household: Household, *, limit: int = 10) -> list[Visit]:
    """A household's latest visits for its card: one query, with the worker and a demand count."""
    return list(
        household.visits.select_related("worker")
        .annotate(demand_count=Count("demands"))
        .order_by("-visited_at", "-pk")[:limit]
    )


def active_visit_type(code: str) -> VisitType | None:
    return unique_or_none(VisitType.objects.filter(code=code, active=True))


def active_policy_topics() -> QuerySet[PolicyTopic]:
    return PolicyTopic.objects.filter(active=True)
