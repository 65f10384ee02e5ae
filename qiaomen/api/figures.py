"""The plan's targets as JSON for a city platform: GET /api/v1/figures?period=2026-11&level=community.

The same numbers as the command centre's page (analytics.targets over the caller's places; a
department handler gets their department's tickets), aggregates only: no household or person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from qiaomen.analytics.periods import Span, period_of, period_parse
from qiaomen.analytics.targets import TARGETS, FigureRow, target_table_for_user
from qiaomen.api.auth import api_user
from qiaomen.api.errors import responses
from qiaomen.core.errors import InvalidInput

router = Router(tags=["figures"])
PERIOD_MESSAGE = _("Invalid period: write 2026-11, 2026Q4, 2026 or 2026-03-01..2026-05-31.")
Level = Literal["street", "community", "grid", "worker", "department"]


class FiguresQuery(Schema):
    period: str = Field(
        "",
        max_length=32,
        description="a month (2026-11), a quarter (2026Q4), a year (2026) or days (2026-03-01..2026-05-31); "
        "default this month",
    )
    level: Level = Field("community", description="the rows: by street, community, grid, grid worker or department")


class TargetPeriodOut(Schema):
    label: str
    span: str
    first_day: dt.date
    last_day: dt.date


class TargetGoalOut(Schema):
    code: str
    label: str
    comparator: str = Field(description="≥, ≤ or <")
    goal: float
    unit: str = Field(description="share (0–1) or hours")


class TargetFigureOut(Schema):
    value: float | None = Field(description="numerator / denominator; null when there is nothing to count")
    numerator: float
    denominator: int
    light: str = Field(description="green (goal met), red (missed) or none (no data)")


class TargetRowOut(Schema):
    level: str
    key: int | None
    name: str
    figures: dict[str, TargetFigureOut]


class FiguresOut(Schema):
    period: TargetPeriodOut
    level: str
    targets: list[TargetGoalOut]
    total: TargetRowOut
    rows: list[TargetRowOut]


def _row(row: FigureRow) -> dict[str, Any]:
    figures = {
        code: {"value": f.value, "numerator": f.numerator, "denominator": f.denominator, "light": f.light}
        for code, f in row.figures.items()
    }
    return {"level": row.level, "key": row.key, "name": row.name, "figures": figures}


@router.get("/figures", response=responses(FiguresOut, 401, 403, 422), url_name="figures")
def figures(request: HttpRequest, query: Query[FiguresQuery]) -> dict[str, Any]:
    """Every target of the plan with its value, numerator, denominator and light, for the
    caller's whole scope (total) and by the level asked for."""
    user = api_user(request)
    try:
        period = period_parse(query.period) if query.period else period_of(Span.MONTH, timezone.localdate())
    except ValueError as exc:
        raise InvalidInput("period_invalid", PERIOD_MESSAGE) from exc
    table = target_table_for_user(user=user, period=period)
    return {
        "period": {
            "label": period.label,
            "span": period.span,
            "first_day": period.first_day,
            "last_day": period.last_day,
        },
        "level": query.level,
        "targets": [
            {"code": t.code, "label": str(t.label), "comparator": t.comparator, "goal": t.goal, "unit": t.unit}
            for t in TARGETS
        ],
        "total": _row(table.total()),
        "rows": [_row(row) for row in table.rows(query.level)],
    }
