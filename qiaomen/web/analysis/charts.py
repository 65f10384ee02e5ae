"""ECharts options of the analysis pages, plain JSON for json_script (static/web/command/charts.js
draws them; no functions, so the CSP needs no inline script)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import pgettext


def _month_labels(months: list[dt.date]) -> list[str]:
    return [f"{month:%Y-%m}" for month in months]


def trend_chart(*, months: list[dt.date], lines: dict[str, list[int]]) -> dict[str, Any]:
    """One line per sub-category (name → counts per month)."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 40, "right": 16, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": _month_labels(months)},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": name, "type": "line", "data": counts} for name, counts in lines.items()],
    }


def forecast_chart(*, months: list[dt.date], actual: list[int | None], predicted: list[float | None]) -> dict[str, Any]:
    """Demands that happened (bars) beside what the forecast said (line): its back-test months
    and the month ahead."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 16, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": _month_labels(months)},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": pgettext("analysis", "Actual"), "type": "bar", "data": actual},
            {
                "name": pgettext("analysis", "Predicted"),
                "type": "line",
                "connectNulls": False,
                "data": [None if value is None else round(value, 1) for value in predicted],
            },
        ],
    }
