"""Coverage of households by visits in a month or a quarter (R-VIS-6).

Definitions (each figure is computed once, here):
- households: households in the user's places that are not marked moved out;
- covered: households with at least one contact visit (met, moved out, mismatch) in the period;
- refused: households whose only visits in the period were refusals: counted apart, they are
  neither covered nor silently missing;
- paused: households in a grid where visits were paused during the period: reported as such
  and left out of the rate's denominator instead of being counted as failures;
- coverage rate = covered / (households − paused), special groups the same over their own
  households. Targets: 95 % overall, 100 % special groups.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from qiaomen.core.numbers import share
from qiaomen.places.models import Grid
from qiaomen.registry.models import Household, PersonStatus, PersonTag
from qiaomen.visits.models import Outcome, Visit
from qiaomen.visits.periods import CHINA, Period, PeriodKind, period_containing
from qiaomen.visits.selectors import CONTACT_OUTCOMES, NOT_VISITED_STATUSES, grids_paused_during

TARGET_OVERALL = 0.95
TARGET_SPECIAL = 1.0


@dataclass
class CoverageRow:
    """Figures for one grid, community or the street."""

    name: str
    households: int = 0
    covered: int = 0
    refused: int = 0
    paused: int = 0
    special_households: int = 0
    special_covered: int = 0
    special_paused: int = 0

    @property
    def rate(self) -> float | None:
        return share(self.covered, self.households - self.paused)

    @property
    def special_rate(self) -> float | None:
        return share(self.special_covered, self.special_households - self.special_paused)

    @property
    def meets_targets(self) -> bool:
        return (self.rate is None or self.rate >= TARGET_OVERALL) and (
            self.special_rate is None or self.special_rate >= TARGET_SPECIAL
        )

    def add(self, other: CoverageRow) -> None:
        for name in (
            "households",
            "covered",
            "refused",
            "paused",
            "special_households",
            "special_covered",
            "special_paused",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class CoverageReport:
    period: Period
    total: CoverageRow
    grids: list[tuple[Grid, CoverageRow]]
    communities: list[tuple[str, CoverageRow]]
    never_visited: list[int] = field(default_factory=list)  # household ids
    special_not_visited_this_month: list[int] = field(default_factory=list)  # household ids


def _outcomes_by_household(household_ids: set[int], period: Period) -> tuple[set[int], set[int]]:
    """(covered, refused-only) households of the period, from one pass over the covering index
    on (visited_at, outcome, household): a quarter of a 70,000-household street is some 250,000
    visits, and reading each from the table instead made coverage take seconds."""
    rows = (
        Visit.objects.filter(
            visited_at__gte=period.start, visited_at__lt=period.end, outcome__in=(*CONTACT_OUTCOMES, Outcome.REFUSED)
        )
        .order_by()
        .values_list("household_id", "outcome")
        .distinct()
    )
    covered: set[int] = set()
    refused: set[int] = set()
    for household_id, outcome in rows:
        if household_id in household_ids:
            (refused if outcome == Outcome.REFUSED else covered).add(household_id)
    return covered, refused - covered


def _current_month_within(period: Period, today: dt.date) -> Period:
    """The month for "special groups not visited this month": today's month while the period
    runs, its last month once it is over, its first month before it starts."""
    if period.kind == PeriodKind.MONTH:
        return period
    day = min(max(today, period.first_day), period.next_first_day - dt.timedelta(days=1))
    return period_containing(PeriodKind.MONTH, day)


def coverage_report(households: QuerySet[Household], *, period: Period, today: dt.date | None = None) -> CoverageReport:
    """Coverage of `households` (already scoped to the user) in `period`.

    A fixed number of queries whatever the number of households: the households with their grid,
    the special ones, the households covered or refused in the period (and in the month, for a
    quarter), those never visited, the pauses and the grids.
    """
    rows = list(households.exclude(status__in=NOT_VISITED_STATUSES).values_list("pk", "building__grid_id"))
    grid_of = dict(rows)
    ids = set(grid_of)
    special = (
        set(
            PersonTag.objects.filter(
                person__household_id__in=households.values("pk"),
                person__status=PersonStatus.ACTIVE,
                tag__is_special_group=True,
                tag__active=True,
            ).values_list("person__household_id", flat=True)
        )
        & ids
    )
    covered, refused = _outcomes_by_household(ids, period)
    paused_grids = grids_paused_during(period)
    # One index probe per household, instead of reading every visit ever made.
    never = set(
        households.exclude(status__in=NOT_VISITED_STATUSES)
        .filter(~Exists(Visit.objects.filter(household_id=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )

    grids = {grid.pk: grid for grid in Grid.objects.filter(pk__in=set(grid_of.values())).select_related("community")}
    per_grid: dict[int, CoverageRow] = {}
    for household_id, grid_id in grid_of.items():
        row = per_grid.setdefault(grid_id, CoverageRow(grids[grid_id].name))
        is_special = household_id in special
        is_paused = grid_id in paused_grids
        row.households += 1
        row.covered += household_id in covered
        row.refused += household_id in refused
        row.paused += is_paused and household_id not in covered
        row.special_households += is_special
        row.special_covered += is_special and household_id in covered
        row.special_paused += is_special and is_paused and household_id not in covered

    total = CoverageRow("total")
    per_community: dict[int, CoverageRow] = defaultdict(lambda: CoverageRow(""))
    for grid_id, row in per_grid.items():
        total.add(row)
        community = grids[grid_id].community
        per_community[community.pk].name = community.name
        per_community[community.pk].add(row)

    month = _current_month_within(period, today or dt.datetime.now(CHINA).date())
    covered_month = covered if month == period else _outcomes_by_household(ids, month)[0]
    return CoverageReport(
        period=period,
        total=total,
        grids=sorted(((grids[gid], row) for gid, row in per_grid.items()), key=lambda pair: pair[0].code),
        communities=sorted(((row.name, row) for row in per_community.values()), key=lambda pair: pair[0]),
        never_visited=sorted(never),
        special_not_visited_this_month=sorted(special - covered_month),
    )
