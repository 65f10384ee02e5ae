"""How often a household must be visited: pure rules, no database.

Default (R-VIS-1): special groups at least 2 visits a calendar month, every other household at
least 1 a calendar quarter. A household takes its most demanding rule, compared as visits a
year. A household that raised many demands lately gets extra visits every month.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from qiaomen.visits.periods import MONTHS_IN, Period, PeriodKind


@dataclass(frozen=True)
class RuleSpec:
    name: str
    tag_id: int | None  # None: applies to every household
    period: PeriodKind
    min_visits: int

    @property
    def visits_a_year(self) -> float:
        return self.min_visits * 12 / MONTHS_IN[self.period]


@dataclass(frozen=True)
class AdaptivePolicy:
    demand_threshold: int = 3
    bonus_per_month: int = 1


@dataclass(frozen=True)
class Requirement:
    period: PeriodKind
    visits: int
    reason: str


def strictest_rule(rules: Iterable[RuleSpec], tag_ids: set[int]) -> RuleSpec | None:
    """The applicable rule with most visits a year; on a tie the shorter period wins (it is
    checked sooner)."""
    applicable = [rule for rule in rules if rule.tag_id is None or rule.tag_id in tag_ids]
    if not applicable:
        return None
    return max(applicable, key=lambda rule: (rule.visits_a_year, -MONTHS_IN[rule.period]))


def household_requirements(
    *, rules: Iterable[RuleSpec], tag_ids: set[int], recent_demands: int, adaptive: AdaptivePolicy
) -> list[Requirement]:
    """What the household needs: its strictest rule, plus the adaptive monthly extra."""
    rule = strictest_rule(rules, tag_ids)
    requirements = [Requirement(rule.period, rule.min_visits, rule.name)] if rule else []
    if adaptive.bonus_per_month and recent_demands >= adaptive.demand_threshold:
        monthly = next((r for r in requirements if r.period == PeriodKind.MONTH), None)
        if monthly is not None:
            requirements[requirements.index(monthly)] = Requirement(
                PeriodKind.MONTH, monthly.visits + adaptive.bonus_per_month, f"{monthly.reason}+"
            )
        else:
            requirements.append(Requirement(PeriodKind.MONTH, adaptive.bonus_per_month, "adaptive"))
    return requirements


def visits_needed_in(requirements: Iterable[Requirement], period: Period) -> int:
    """How many visits the household needs within `period` (a month or a quarter).

    A monthly requirement counts once per month of a quarter; a quarterly one spread over a
    single month is rounded up to whole visits (a quarter's 1 visit is 1 in any month).
    """
    needed = 0
    for requirement in requirements:
        if requirement.period == period.kind:
            needed = max(needed, requirement.visits)
        elif requirement.period == PeriodKind.MONTH:
            needed = max(needed, requirement.visits * len(period.months()))
        else:
            needed = max(needed, math.ceil(requirement.visits / 3))
    return needed
