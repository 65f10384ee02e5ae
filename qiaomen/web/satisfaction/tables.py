"""What the satisfaction page's tables show, as plain rows of text for the template."""

from __future__ import annotations

from typing import Any

from django.utils.translation import pgettext_lazy

from qiaomen.analytics.satisfaction import SatisfactionModel
from qiaomen.analytics.satisfaction_proactive import ProactiveBreakdown, SourceCounts
from qiaomen.analytics.satisfaction_regression import Regression
from qiaomen.analytics.satisfaction_shrinkage import MAX_PRIOR_STRENGTH

LEVEL_LABELS = {
    "grid": pgettext_lazy("satisfaction", "Grids"),
    "department": pgettext_lazy("satisfaction", "Departments"),
    "worker": pgettext_lazy("satisfaction", "Workers (who resolved the ticket)"),
}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def points(value: float | None) -> str:
    """A difference of shares in percentage points, signed."""
    return "—" if value is None else f"{value * 100:+.1f}"


def level_tables(model: SatisfactionModel) -> list[dict[str, Any]]:
    tables = []
    for level, scores in model.levels.items():
        prior = scores.prior
        tables.append(
            {
                "level": level,
                "label": LEVEL_LABELS[level],
                "mean": pct(prior.mean if scores.units else None),
                "strength": f"{prior.strength:.1f}",
                "no_spread": prior.strength >= MAX_PRIOR_STRENGTH,
                "rows": [
                    {
                        "rank": unit.rank,
                        "name": unit.name,
                        "rated": unit.rated,
                        "satisfied": unit.satisfied,
                        "raw": pct(unit.raw),
                        "shrunk": pct(unit.shrunk),
                    }
                    for unit in scores.units
                ],
            }
        )
    return tables


def effect_rows(model: SatisfactionModel) -> list[dict[str, Any]]:
    return [
        {
            "label": effect.factor.label,
            "with_share": pct(effect.with_share),
            "with_rated": effect.with_rated,
            "without_share": pct(effect.without_share),
            "without_rated": effect.without_rated,
            "difference": points(effect.difference),
            "measured": effect.measured,
        }
        for effect in model.effects
    ]


def regression_view(regression: Regression) -> dict[str, Any]:
    return {
        "fitted": regression.fitted,
        "reason": regression.not_fitted,
        "ratings": regression.ratings,
        "left_out": [factor.label for factor in regression.left_out],
        "rows": [
            {
                "label": odds.factor.label,
                "odds_ratio": f"{odds.odds_ratio:.2f}",
                "interval": f"{odds.low:.2f} – {odds.high:.2f}",
                "p_value": f"{odds.p_value:.3f}",
                "clear": odds.clear,
            }
            for odds in regression.odds
        ],
    }


def _sources(counts: SourceCounts) -> dict[str, Any]:
    return {
        "visit": counts.visit,
        "qr": counts.qr,
        "staff": counts.staff,
        "other": counts.other,
        "total": counts.total,
        "share": pct(counts.proactive_share),
    }


def _month_cell(counts: SourceCounts | None) -> dict[str, Any]:
    counts = counts or SourceCounts()
    return {"share": pct(counts.proactive_share), "visit": counts.visit, "total": counts.total}


def proactive_tables(breakdown: ProactiveBreakdown) -> dict[str, Any]:
    """Sources by community over the period, and the proactive share by community and month."""
    return {
        "months": [f"{month:%Y-%m}" for month in breakdown.months],
        "communities": [
            {
                "name": community.name,
                **_sources(community.total),
                "by_month": [_month_cell(community.months.get(month)) for month in breakdown.months],
            }
            for community in breakdown.communities
        ],
        "total": _sources(breakdown.total),
        "total_by_month": [_month_cell(breakdown.by_month[month]) for month in breakdown.months],
    }
