"""How the dashboard shows a figure: its value and goal as text, its light, and the links to the
rows behind its numbers; and the ECharts option of a target's trend."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaomen.analytics.periods import ReportPeriod, Span, period_days, period_of, period_parse
from qiaomen.analytics.targets import HOUSEHOLD_TARGETS, Figure, FigureRow, Target
from qiaomen.core.errors import InvalidInput

PERIOD_HELP = _("Give a period as 2026-11, 2026Q4, 2026, or a first and a last day.")


def period_from(params: dict[str, str]) -> ReportPeriod:
    """The period of the query: ?from=…&to=… (custom days), else ?period= (2026-11, 2026Q4,
    2026, 2026-03-01..2026-05-31), else this month in Shanghai."""
    first, last, label = params.get("from", ""), params.get("to", ""), params.get("period", "").strip()
    try:
        if first or last:
            return period_days(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
        if label:
            return period_parse(label)
    except ValueError as exc:
        raise InvalidInput("period_invalid", PERIOD_HELP) from exc
    return period_of(Span.MONTH, timezone.localdate())


@lru_cache(maxsize=8)
def _records_path(script_prefix: str) -> str:
    """The drill-down's path, once per script prefix: a table of 100 communities links 1,500
    numbers, and reversing each took about 7 % of the dashboard's time at 250,000 households."""
    return reverse("web:command_records")


def records_url(*, target: Target, period: ReportPeriod, level: str, key: int | None, part: str = "") -> str:
    params = {"target": target.code, "period": period.label, "level": level}
    if level != "total":
        params["key"] = "none" if key is None else str(key)
    if part:
        params["part"] = part
    return f"{_records_path(get_script_prefix())}?{urlencode(params)}"


def cell(figure: Figure, *, period: ReportPeriod, level: str, key: int | None) -> dict[str, Any]:
    target = figure.target
    drills = not (level == "department" and target.code in HOUSEHOLD_TARGETS)
    shares = target.unit == "share"
    numerator = f"{figure.numerator:g}" if shares else f"{figure.numerator:.1f} h"
    return {
        "code": target.code,
        "label": target.label,
        "text": target.value_text(figure.value),
        "goal": target.goal_text,
        "light": figure.light,
        "numerator": numerator,
        "denominator": figure.denominator,
        "url": records_url(target=target, period=period, level=level, key=key) if drills else "",
        "numerator_url": (
            records_url(target=target, period=period, level=level, key=key, part="numerator")
            if drills and shares
            else ""
        ),
    }


def row_cells(row: FigureRow, *, period: ReportPeriod) -> dict[str, Any]:
    cells = [cell(f, period=period, level=row.level, key=row.key) for f in row.figures.values()]
    return {"name": row.name, "key": row.key, "cells": cells}


def trend_option(target: Target, months: list[ReportPeriod], figures: list[Figure]) -> dict[str, Any]:
    """A sparkline: the value of each month, the goal as a dashed line (plain JSON, no functions)."""
    scale = 100 if target.unit == "share" else 1
    values = [None if f.value is None else round(f.value * scale, 1) for f in figures]
    last = next((f.light for f in reversed(figures) if f.value is not None), "none")
    colour = {"green": "#1a7f37", "red": "#cf222e", "none": "#6e7781"}[last]
    top = 100 if target.unit == "share" else max([target.goal * 1.5, *(v for v in values if v is not None)])
    return {
        "animation": False,
        "grid": {"left": 2, "right": 2, "top": 6, "bottom": 2},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "show": False, "data": [m.label for m in months]},
        # From 0 to above the goal, so the goal's dashed line is always in the box.
        "yAxis": {"type": "value", "show": False, "min": 0, "max": top},
        "series": [
            {
                "type": "line",
                "name": str(target.label),
                "data": values,
                "connectNulls": False,
                "symbolSize": 4,
                "lineStyle": {"color": colour},
                "itemStyle": {"color": colour},
                "markLine": {
                    "silent": True,
                    "symbol": "none",
                    "lineStyle": {"type": "dashed", "color": "#8c959f"},
                    "data": [{"yAxis": round(target.goal * scale, 1)}],
                },
            }
        ],
    }
