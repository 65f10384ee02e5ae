"""The satisfaction model of R-ANA-5 for one scope and period: scores by grid, department and
worker shrunk toward the mean (satisfaction_shrinkage), the factors that move satisfaction with
their measured effects (satisfaction_factors, satisfaction_regression), and the suggestions
written from them (satisfaction_suggestions).

"The street mean" is the mean of the places the reader sees: the whole street for a street admin
or supervisor, their community for community staff. Ratings and counts come from SQL
(values().annotate()); Python only combines the few dozen rows that come back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.analytics.periods import ReportPeriod
from qiaomen.analytics.satisfaction_factors import (
    BucketShare,
    FactorEffect,
    bucket_shares,
    factor_effects,
    rating_cells,
)
from qiaomen.analytics.satisfaction_regression import Regression, satisfaction_regression
from qiaomen.analytics.satisfaction_suggestions import Suggestion, factor_suggestions, unit_suggestions
from qiaomen.analytics.satisfaction_units import (
    LEVELS,
    SATISFIED,
    LevelScores,
    level_scores,
    rated_tickets,
    rating_counts,
)
from qiaomen.core.numbers import share


@dataclass(frozen=True)
class SatisfactionModel:
    period: ReportPeriod
    rated: int
    satisfied: int
    levels: dict[str, LevelScores]  # "grid", "department", "worker"
    buckets: list[BucketShare]  # satisfied share by response time
    effects: list[FactorEffect]
    regression: Regression
    suggestions: list[Suggestion]

    @property
    def mean(self) -> float | None:
        """The scope's satisfied share, the mean every unit is shrunk toward."""
        return share(self.satisfied, self.rated)


def satisfaction_model(*, scope: PlaceScope, period: ReportPeriod) -> SatisfactionModel:
    rated = rated_tickets(scope=scope, period=period)
    totals = rated.aggregate(rated=Count("pk"), satisfied=Count("pk", filter=SATISFIED))
    mean = share(totals["satisfied"], totals["rated"]) or 0.0
    levels = {level: level_scores(rating_counts(rated, level=level), level=level, mean=mean) for level in LEVELS}
    cells = rating_cells(rated)
    effects = factor_effects(cells)
    suggestions = factor_suggestions(effects)
    for level in ("department", "grid"):
        suggestions += unit_suggestions(levels[level])
    return SatisfactionModel(
        period=period,
        rated=totals["rated"],
        satisfied=totals["satisfied"],
        levels=levels,
        buckets=bucket_shares(cells),
        effects=effects,
        regression=satisfaction_regression(cells, effects),
        suggestions=suggestions,
    )
