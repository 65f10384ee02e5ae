"""The ECharts options of the satisfaction page, plain JSON for json_script (no functions: the
CSP allows no script from the server but the options that charts.js reads)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _t
from django.utils.translation import pgettext

from qiaomen.analytics.satisfaction_proactive import ProactiveBreakdown
from qiaomen.analytics.satisfaction_units import LevelScores

# The legend on top (two rows on a narrow box), the plot below it with room for the axis names.
LAYOUT = {"containLabel": True, "top": 76, "left": 8, "right": 8, "bottom": 8}


def _points(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def unit_scores_chart(scores: LevelScores) -> dict[str, Any]:
    """Raw and shrunk satisfied share of each unit of a level, best shrunk score first."""
    raw, shrunk = _t("Raw score"), _t("Shrunk score")
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [raw, shrunk]},
        "grid": LAYOUT,
        "xAxis": {"type": "category", "data": [unit.name for unit in scores.units], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
        "series": [
            {"name": raw, "type": "bar", "data": [_points(unit.raw) for unit in scores.units]},
            {"name": shrunk, "type": "bar", "data": [_points(unit.shrunk) for unit in scores.units]},
        ],
    }


def sources_chart(breakdown: ProactiveBreakdown) -> dict[str, Any]:
    """Demands by source, month by month, stacked, with the proactive share as a line."""
    names = {
        "visit": pgettext("satisfaction", "Found on visits"),
        "qr": pgettext("satisfaction", "Residents (QR)"),
        "staff": pgettext("satisfaction", "Staff"),
        "other": pgettext("satisfaction", "Other channels"),
    }
    months = breakdown.months
    series: list[dict[str, Any]] = [
        {
            "name": label,
            "type": "bar",
            "stack": "sources",
            "data": [getattr(breakdown.by_month[month], source) for month in months],
        }
        for source, label in names.items()
    ]
    share_name = pgettext("satisfaction", "Proactive share")
    series.append(
        {
            "name": share_name,
            "type": "line",
            "yAxisIndex": 1,
            "data": [_points(breakdown.by_month[month].proactive_share) for month in months],
        }
    )
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [*names.values(), share_name]},
        "grid": LAYOUT,
        "xAxis": {"type": "category", "data": [f"{month:%Y-%m}" for month in months]},
        "yAxis": [
            {"type": "value", "name": pgettext("satisfaction", "Demands")},
            {"type": "value", "name": "%", "min": 0, "max": 100},
        ],
        "series": series,
    }
