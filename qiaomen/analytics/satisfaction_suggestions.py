"""Suggestions written from the satisfaction figures, each quoting the numbers it rests on.

A suggestion comes only from a measured effect (MIN_GROUP_RATINGS ratings on both sides, or in
the unit) that goes the harmful way by at least MIN_GAP_POINTS percentage points; where the data
shows no such effect, nothing is suggested. Percentages are rounded half up to whole points, the
gap from the unrounded shares, so that each number is the figure shown on the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from qiaomen.analytics.satisfaction_factors import MIN_GROUP_RATINGS, FactorEffect
from qiaomen.analytics.satisfaction_units import LevelScores

MIN_GAP_POINTS = 5
SATISFACTION_GOAL = 0.85  # the plan's target (analytics.ticket_figures.TARGETS)
MOST_UNIT_SUGGESTIONS = 3  # per level: the weakest units first

# Per factor: the sign of a harmful effect (−1: the factor lowers satisfaction) and the text.
FACTOR_TEMPLATES = {
    "slow_response": (
        -1,
        _(
            "Tickets first accepted after more than 24 hours were rated satisfactory %(with)s%% of the time, "
            "%(gap)s percentage points lower than those accepted within 24 hours (%(without)s%%; "
            "n=%(n_with)s and %(n_without)s). Chase tickets not accepted within 12 hours so that every one is "
            "accepted within 24 hours."
        ),
    ),
    "repeat": (
        -1,
        _(
            "Repeat demands were rated satisfactory %(with)s%% of the time, %(gap)s percentage points lower than "
            "first demands (%(without)s%%; n=%(n_with)s and %(n_without)s). Look for the root cause of repeated "
            "demands and have the grid worker check that the problem is really solved."
        ),
    ),
    "escalated": (
        -1,
        _(
            "Escalated tickets were rated satisfactory %(with)s%% of the time, %(gap)s percentage points lower "
            "than the others (%(without)s%%; n=%(n_with)s and %(n_without)s). Coordinate tickets close to their "
            "deadline before they escalate."
        ),
    ),
    "on_spot": (
        1,
        _(
            "Demands resolved on the spot were rated satisfactory %(with)s%% of the time, %(gap)s percentage "
            "points higher than the others (%(without)s%%; n=%(n_with)s and %(n_without)s). Resolve on the spot, "
            "during the visit, whatever can be resolved there."
        ),
    ),
}
UNIT_TEMPLATE = _(
    "%(name)s: %(raw)s%% satisfied (%(shrunk)s%% after adjusting for the number of ratings, n=%(rated)s), "
    "%(gap)s percentage points below the mean of %(mean)s%% and under the 85%% target. Review its recent "
    "low-rated tickets with the people who handled them."
)


@dataclass(frozen=True)
class Suggestion:
    code: str  # the factor's code, or "<level>:<unit id>"
    text: str
    figures: dict[str, int | str]


def percent(value: float) -> int:
    """A share as whole percentage points, rounded half up (0.605 → 61)."""
    return math.floor(value * 100 + 0.5)


def factor_suggestions(effects: list[FactorEffect]) -> list[Suggestion]:
    suggestions = []
    for effect in effects:
        sign, template = FACTOR_TEMPLATES[effect.factor.code]
        difference = effect.difference
        if not effect.measured or difference is None or effect.with_share is None or effect.without_share is None:
            continue
        gap = percent(abs(difference))
        if difference * sign <= 0 or gap < MIN_GAP_POINTS:
            continue
        figures: dict[str, int | str] = {
            "with": percent(effect.with_share),
            "without": percent(effect.without_share),
            "gap": gap,
            "n_with": effect.with_rated,
            "n_without": effect.without_rated,
        }
        suggestions.append(Suggestion(effect.factor.code, str(template) % figures, figures))
    return suggestions


def unit_suggestions(scores: LevelScores) -> list[Suggestion]:
    """The weakest units of a level: enough ratings, shrunk score under the goal and well under
    the mean (the shrunk score, so that a few bad ratings do not single a unit out)."""
    mean = scores.prior.mean
    suggestions = []
    for unit in reversed(scores.units):
        gap = percent(mean - unit.shrunk)
        if unit.rated < MIN_GROUP_RATINGS or unit.shrunk >= SATISFACTION_GOAL or gap < MIN_GAP_POINTS:
            continue
        figures: dict[str, int | str] = {
            "name": unit.name,
            "raw": percent(unit.raw),
            "shrunk": percent(unit.shrunk),
            "rated": unit.rated,
            "gap": gap,
            "mean": percent(mean),
        }
        suggestions.append(Suggestion(f"{unit.level}:{unit.key}", str(UNIT_TEMPLATE) % figures, figures))
        if len(suggestions) == MOST_UNIT_SUGGESTIONS:
            break
    return suggestions
