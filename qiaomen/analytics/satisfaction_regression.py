"""The factors of satisfaction taken together: a logistic regression of "satisfied" (rating 4–5)
on the four factors, so that, say, escalated tickets that were also slow are not blamed twice.

Fitted with statsmodels as a binomial GLM on the SQL cells (satisfied and unsatisfied counts per
combination of factors), which is the same likelihood as one row per rating. A factor enters only
when it is measured (satisfaction_factors.MIN_GROUP_RATINGS on both sides); the model is fitted only with at least
MIN_REGRESSION_RATINGS ratings, and says why when it is not.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import statsmodels.api as sm
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qiaomen.analytics.satisfaction_factors import Cell, Factor, FactorEffect

MIN_REGRESSION_RATINGS = 100
CONFIDENCE = 0.95


@dataclass(frozen=True)
class OddsRatio:
    factor: Factor
    odds_ratio: float
    low: float  # 95 % confidence interval
    high: float
    p_value: float

    @property
    def clear(self) -> bool:
        """The interval lies wholly on one side of 1: the direction of the effect is measured."""
        return self.low > 1 or self.high < 1


@dataclass(frozen=True)
class Regression:
    ratings: int
    odds: list[OddsRatio] = field(default_factory=list)
    left_out: list[Factor] = field(default_factory=list)  # too few ratings on one side
    not_fitted: Promise | None = None  # why there is no model

    @property
    def fitted(self) -> bool:
        return self.not_fitted is None


def satisfaction_regression(cells: list[Cell], effects: list[FactorEffect]) -> Regression:
    ratings = sum(cell.rated for cell in cells)
    used = [effect.factor for effect in effects if effect.measured]
    left_out = [effect.factor for effect in effects if not effect.measured]
    if ratings < MIN_REGRESSION_RATINGS:
        return Regression(ratings, left_out=left_out, not_fitted=_("too few ratings for a regression"))
    if not used:
        return Regression(ratings, left_out=left_out, not_fitted=_("no factor has enough ratings on both sides"))
    # A cell on neither side of a factor (never accepted, for the response time) counts as without it.
    design = np.array([[1.0] + [float(factor.present(cell)) for factor in used] for cell in cells])
    outcome = np.array([[cell.satisfied, cell.rated - cell.satisfied] for cell in cells], dtype=float)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # perfect separation, no convergence: no model
            result = sm.GLM(outcome, design, family=sm.families.Binomial()).fit()
        params, bounds, p_values = result.params, result.conf_int(1 - CONFIDENCE), result.pvalues
    except (Warning, ValueError, np.linalg.LinAlgError):
        return Regression(ratings, left_out=left_out, not_fitted=_("the regression could not be fitted on these data"))
    odds = [
        OddsRatio(
            factor,
            math.exp(params[i + 1]),
            math.exp(bounds[i + 1][0]),
            math.exp(bounds[i + 1][1]),
            float(p_values[i + 1]),
        )
        for i, factor in enumerate(used)
    ]
    if not all(math.isfinite(value) for ratio in odds for value in (ratio.odds_ratio, ratio.low, ratio.high)):
        return Regression(ratings, left_out=left_out, not_fitted=_("the regression could not be fitted on these data"))
    return Regression(ratings, odds=odds, left_out=left_out)
