"""The plan's targets (R-ANA-1, R-ANA-7, R-TIC-7/8, R-VIS-6) as figures with a goal and a light,
by street, community, grid, worker and department, computed in SQL (analytics.targets_counts).

- The ticket targets are those of analytics.ticket_figures (same formulas, same goals), over the
  tickets created in the period.
- special_coverage = special-group households with a contact visit in the period / special-group
  households (see targets_counts); it has no department, so its department figures are "none".
- A worker's row is the grid worker(s) assigned to a grid (PlaceAssignment) and counts every
  ticket and household of their grids, whoever recorded the visit or the ticket: the worker
  answers for the grid. A grid with two workers counts in both rows; a grid without one in none.
- Lights: "green" when the goal is met, "red" when not, "none" when there is nothing to count.

Every figure is numerator / denominator; analytics.targets_records lists the rows behind each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaomen.accounts.models import Department, PlaceAssignment, User
from qiaomen.accounts.roles import Capability, Role
from qiaomen.accounts.scopes import PlaceScope, place_scope
from qiaomen.analytics.coverage_snapshots import household_counts_kept
from qiaomen.analytics.periods import ReportPeriod
from qiaomen.analytics.targets_counts import Counts, household_counts, period_tickets, scoped_tickets, ticket_counts
from qiaomen.analytics.ticket_figures import TARGETS as TICKET_GOALS
from qiaomen.core.errors import Forbidden
from qiaomen.places.models import Community, Grid, Street
from qiaomen.visits.coverage import TARGET_SPECIAL


@dataclass(frozen=True)
class Target:
    code: str
    label: Any  # a lazy, translated string
    comparator: str  # "≥", "≤" or "<"
    goal: float
    unit: str  # "share" or "hours"
    numerator: str  # the Counts field counted on top
    denominator: str  # the Counts field divided by

    def meets(self, value: float) -> bool:
        return {"≥": value >= self.goal, "≤": value <= self.goal, "<": value < self.goal}[self.comparator]

    def value_text(self, value: float | None, *, decimals: int = 1) -> str:
        """12.8 h or 42.1 % (the wall uses whole percents); no data → a dash, never 0."""
        if value is None:
            return "—"
        return f"{value:.1f} h" if self.unit == "hours" else f"{value:.{decimals}%}"

    @property
    def goal_text(self) -> str:
        """≤ 24 h, ≥ 60 %."""
        goal = f"{self.goal:g} h" if self.unit == "hours" else f"{self.goal:.0%}"
        return f"{self.comparator} {goal}"


def _ticket_target(code: str, label: Promise, unit: str, numerator: str, denominator: str) -> Target:
    comparator, goal = TICKET_GOALS[code]
    return Target(code, label, comparator, goal, unit, numerator, denominator)


TARGETS: tuple[Target, ...] = (
    _ticket_target("on_spot_rate", _("On-the-spot resolution"), "share", "on_spot", "tickets"),
    _ticket_target("completion_rate", _("Completion rate"), "share", "completed", "tickets"),
    _ticket_target("response_avg_hours", _("Average response time"), "hours", "response_hours", "accepted"),
    _ticket_target("satisfaction", _("Satisfaction"), "share", "satisfied", "rated"),
    _ticket_target("proactive_share", _("Proactive share"), "share", "proactive", "tickets"),
    Target(
        "special_coverage", _("Visits to special groups"), "≥", TARGET_SPECIAL, "share", "special_covered", "special"
    ),
    _ticket_target("repeat_rate", _("Repeat demands"), "share", "repeats", "tickets"),
    _ticket_target("second_complaint_rate", _("Second complaints"), "share", "reopened", "reached_resolved"),
)
TARGETS_BY_CODE = {target.code: target for target in TARGETS}
HOUSEHOLD_TARGETS = frozenset({"special_coverage"})
LEVELS = ("street", "community", "grid", "worker", "department")
PLACE_LEVELS = ("street", "community", "grid", "worker")
LEVEL_LABELS = {
    "street": pgettext_lazy("figures", "Street"),
    "community": pgettext_lazy("figures", "Community"),
    "grid": pgettext_lazy("figures", "Grid"),
    "worker": pgettext_lazy("figures", "Worker"),
    "department": pgettext_lazy("figures", "Department"),
}


@dataclass(frozen=True)
class Figure:
    target: Target
    value: float | None
    numerator: float
    denominator: int
    light: str  # "green" | "red" | "none"


@dataclass(frozen=True)
class FigureRow:
    level: str
    key: int | None
    name: str
    figures: dict[str, Figure]


def figure(target: Target, counts: Counts, *, counts_households: bool = True) -> Figure:
    if target.code in HOUSEHOLD_TARGETS and not counts_households:
        return Figure(target, None, 0, 0, "none")
    numerator, denominator = getattr(counts, target.numerator), getattr(counts, target.denominator)
    if not denominator:
        return Figure(target, None, numerator, denominator, "none")
    value = numerator / denominator
    return Figure(target, value, numerator, denominator, "green" if target.meets(value) else "red")


def figure_row(level: str, key: int | None, name: str, counts: Counts, *, counts_households: bool = True) -> FigureRow:
    figures = {t.code: figure(t, counts, counts_households=counts_households) for t in TARGETS}
    return FigureRow(level, key, name, figures)


@dataclass
class _Group:
    name: str
    counts: Counts = field(default_factory=Counts)


@dataclass
class TargetTable:
    """The counts of one scope and period, by grid and by department, from which every level's
    rows and the total are folded without querying again."""

    scope: PlaceScope
    period: ReportPeriod
    department_id: int | None = None
    _by_grid: dict[int | None, Counts] | None = None
    _by_department: dict[int | None, Counts] | None = None
    # When the households' coverage was counted, if it came from the job's snapshot (else live).
    households_counted_at: dt.datetime | None = None

    @property
    def counts_households(self) -> bool:
        return self.department_id is None

    def tickets(self) -> QuerySet[Any]:
        tickets = scoped_tickets(scope=self.scope, department_id=self.department_id)
        return period_tickets(tickets, start=self.period.start, end=self.period.end)

    def by_grid(self) -> dict[int | None, Counts]:
        if self._by_grid is None:
            by_grid = ticket_counts(self.tickets(), by="grid_id")
            if self.counts_households:
                for grid_id, counts in self._household_counts().items():
                    by_grid.setdefault(grid_id, Counts()).add(counts)
            self._by_grid = by_grid
        return self._by_grid

    def _household_counts(self) -> dict[int, Counts]:
        start, end = self.period.start, self.period.end
        kept = household_counts_kept(scope=self.scope, start=start, end=end)
        if kept is None:
            return household_counts(scope=self.scope, start=start, end=end)
        counts, self.households_counted_at = kept
        return counts

    def by_department(self) -> dict[int | None, Counts]:
        if self._by_department is None:
            self._by_department = ticket_counts(self.tickets(), by="department_id")
        return self._by_department

    def total(self) -> FigureRow:
        counts = Counts()
        for part in self.by_grid().values():
            counts.add(part)
        return figure_row(
            "total", None, str(pgettext_lazy("figures", "Total")), counts, counts_households=self.counts_households
        )

    def rows(self, level: str) -> list[FigureRow]:
        if level not in LEVELS:
            raise ValueError(f"not a level: {level!r}")
        groups = self._department_groups() if level == "department" else self._place_groups(level)
        households = self.counts_households and level != "department"
        return [
            figure_row(level, key, group.name, group.counts, counts_households=households)
            for key, group in groups.items()
        ]

    def _place_groups(self, level: str) -> dict[int | None, _Group]:
        by_grid = self.by_grid()
        grid_ids = set(self.scope.all_grid_ids) | {key for key in by_grid if key is not None}
        grids = Grid.objects.filter(pk__in=sorted(grid_ids)).select_related("community__street")
        groups: dict[int | None, _Group] = {}
        members: dict[int, list[int | None]] = {}  # grid id → the keys of the groups it counts in
        if level == "worker":
            for user_id, grid_id, display_name, username in worker_assignments(grid_ids):
                groups.setdefault(user_id, _Group(display_name or username))
                members.setdefault(grid_id, []).append(user_id)
        else:
            for grid in grids.order_by("community__street__code", "community__code", "code"):
                place = _place_of(grid, level)
                groups.setdefault(place.pk, _Group(place.name))
                members[grid.pk] = [place.pk]
        for counted_grid, counts in by_grid.items():
            keys: list[int | None] = members.get(counted_grid, []) if counted_grid is not None else []
            if counted_grid is None and level != "worker":
                keys = [None]
            for key in keys:
                groups.setdefault(key, _Group(str(_("No place")))).counts.add(counts)
        return groups

    def _department_groups(self) -> dict[int | None, _Group]:
        departments = Department.objects.order_by("code")
        if self.department_id is not None:
            departments = departments.filter(pk=self.department_id)
        groups: dict[int | None, _Group] = {pk: _Group(name) for pk, name in departments.values_list("pk", "name")}
        for key, counts in self.by_department().items():
            groups.setdefault(key, _Group(str(key))).counts.add(counts)
        return groups


def _place_of(grid: Grid, level: str) -> Street | Community | Grid:
    if level == "street":
        street: Street = grid.community.street
        return street
    return grid.community if level == "community" else grid


def worker_assignments(
    grid_ids: set[int] | None = None, *, user_id: int | None = None
) -> list[tuple[int, int, str, str]]:
    """(user id, grid id, display name, username) of the active grid workers of these grids (or
    of one worker's grids)."""
    assignments = PlaceAssignment.objects.filter(grid__isnull=False, user__role=Role.GRID_WORKER, user__is_active=True)
    if grid_ids is not None:
        assignments = assignments.filter(grid_id__in=sorted(grid_ids))
    if user_id is not None:
        assignments = assignments.filter(user_id=user_id)
    return list(
        assignments.order_by("user__display_name", "user__username", "grid_id").values_list(
            "user_id", "grid_id", "user__display_name", "user__username"
        )
    )


def target_rows(
    *, scope: PlaceScope, period: ReportPeriod, level: str, department_id: int | None = None
) -> list[FigureRow]:
    """Every target for each street, community, grid, worker or department of the scope.
    `department_id` (a department handler's) restricts to that department's tickets."""
    return TargetTable(scope, period, department_id).rows(level)


def target_total(*, scope: PlaceScope, period: ReportPeriod, department_id: int | None = None) -> FigureRow:
    """Every target for the whole scope."""
    return TargetTable(scope, period, department_id).total()


def target_table_for_user(*, user: User, period: ReportPeriod) -> TargetTable:
    """Whose figures a user may read: the command centre's roles their places; a department
    handler their department's tickets in the places they see; anyone else nothing (Forbidden)."""
    if user.can(Capability.VIEW_COMMAND_CENTRE):
        return TargetTable(place_scope(user), period)
    if user.role == Role.DEPARTMENT_HANDLER and user.department_id is not None:
        return TargetTable(place_scope(user), period, department_id=user.department_id)
    raise Forbidden("forbidden", _("You are not allowed to do this."))
