"""The rows behind each figure of analytics.targets: the tickets or the special-group households
that a figure's denominator counts, or its numerator, for one street, community, grid, worker,
department or the whole scope ("total"). Same conditions as the counts (targets_counts), so a
drill-down lists exactly as many rows as the number it opens."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from qiaomen.accounts.models import Department, User
from qiaomen.accounts.scopes import PlaceScope
from qiaomen.analytics.periods import ReportPeriod
from qiaomen.analytics.targets import HOUSEHOLD_TARGETS, LEVELS, TARGETS_BY_CODE, worker_assignments
from qiaomen.analytics.targets_counts import (
    TICKET_CONDITIONS,
    period_tickets,
    scoped_tickets,
    special_households,
    visited_in,
)
from qiaomen.places.models import Community, Grid, Street

RECORD_LEVELS = (*LEVELS, "total")
PARTS = ("denominator", "numerator")
# The path from a ticket to each level's key; households go through their building.
TICKET_PATHS = {
    "street": "grid__community__street_id",
    "community": "grid__community_id",
    "grid": "grid_id",
    "department": "department_id",
}
HOUSEHOLD_PATHS = {
    "street": "building__grid__community__street_id",
    "community": "building__grid__community_id",
    "grid": "building__grid_id",
}


def _level_q(*, level: str, key: int | None, paths: dict[str, str], grid_path: str) -> Q:
    if level == "total":
        return Q()
    if level == "worker":
        grids = {grid_id for _user, grid_id, *_names in worker_assignments(user_id=key)} if key is not None else set()
        return Q(**{f"{grid_path}__in": sorted(grids)})
    return Q(**{f"{paths[level]}__isnull": True}) if key is None else Q(**{paths[level]: key})


def target_records(
    *,
    code: str,
    scope: PlaceScope,
    period: ReportPeriod,
    level: str,
    key: int | None,
    part: str = "denominator",
    department_id: int | None = None,
) -> QuerySet[Any]:
    """The tickets (ticket targets) or households (special_coverage) that the figure `code` of
    row `key` at `level` counts in its `part`; ValueError for a code, level or part that is not
    one, or a part that counts no rows (the hours of the response time)."""
    target = TARGETS_BY_CODE.get(code)
    if target is None:
        raise ValueError(f"not a target: {code!r}")
    if level not in RECORD_LEVELS:
        raise ValueError(f"not a level: {level!r}")
    if part not in PARTS:
        raise ValueError(f"not a part: {part!r}")
    field = target.numerator if part == "numerator" else target.denominator
    if code in HOUSEHOLD_TARGETS:
        if level == "department" or department_id is not None:
            raise ValueError("visit coverage has no department")
        households = special_households(scope=scope).filter(
            _level_q(level=level, key=key, paths=HOUSEHOLD_PATHS, grid_path="building__grid_id")
        )
        if part == "numerator":
            households = households.filter(visited_in(start=period.start, end=period.end))
        return households.select_related("building__grid__community").order_by("building__grid__code", "pk")
    if field not in TICKET_CONDITIONS:
        raise ValueError(f"the {part} of {code} counts no rows")
    tickets = period_tickets(
        scoped_tickets(scope=scope, department_id=department_id), start=period.start, end=period.end
    )
    level_q = _level_q(level=level, key=key, paths=TICKET_PATHS, grid_path="grid_id")
    return (
        tickets.filter(level_q, TICKET_CONDITIONS[field])
        .select_related("grid", "department", "subcategory")
        .order_by("created_at", "pk")
    )


def record_place_name(*, level: str, key: int | None, scope: PlaceScope) -> str:
    """The name of the row a drill-down opens, if it lies in the user's places (a department's
    name is public)."""
    if key is None or level == "total":
        return ""
    grids = sorted(scope.all_grid_ids)
    if level == "worker":
        found = User.objects.filter(pk=key, places__grid_id__in=grids).values_list("display_name", "username").first()
        return (found[0] or found[1]) if found else ""
    places: dict[str, Any] = {
        "street": Street.objects.filter(communities__grids__in=grids),
        "community": Community.objects.filter(grids__in=grids),
        "grid": Grid.objects.filter(pk__in=grids),
        "department": Department.objects.all(),
    }
    name: str | None = places[level].filter(pk=key).values_list("name", flat=True).first()
    return name or ""
