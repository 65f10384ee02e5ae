"""R-VIS-1: frequency rules by tag, the strictest one wins, many demands add visits."""

from __future__ import annotations

import datetime as dt

from qiaomen.visits.periods import PeriodKind, period_containing
from qiaomen.visits.rules import AdaptivePolicy, Requirement, RuleSpec, household_requirements, visits_needed_in

SPECIAL_TAG, OTHER_TAG = 1, 2
DEFAULT_RULES = [
    RuleSpec("every household", None, PeriodKind.QUARTER, 1),
    RuleSpec("elderly living alone", SPECIAL_TAG, PeriodKind.MONTH, 2),
]
ADAPTIVE = AdaptivePolicy(demand_threshold=3, bonus_per_month=1)
Q4 = period_containing(PeriodKind.QUARTER, dt.date(2026, 11, 1))
NOVEMBER = period_containing(PeriodKind.MONTH, dt.date(2026, 11, 1))


def _needs(tag_ids: set[int], demands: int = 0) -> list[Requirement]:
    return household_requirements(rules=DEFAULT_RULES, tag_ids=tag_ids, recent_demands=demands, adaptive=ADAPTIVE)


def test_a_special_group_household_needs_six_visits_in_a_quarter() -> None:
    assert visits_needed_in(_needs({SPECIAL_TAG}), Q4) == 6
    assert visits_needed_in(_needs({SPECIAL_TAG}), NOVEMBER) == 2


def test_an_ordinary_household_needs_one_visit_a_quarter() -> None:
    assert visits_needed_in(_needs({OTHER_TAG}), Q4) == 1
    assert _needs(set()) == [Requirement(PeriodKind.QUARTER, 1, "every household")]


def test_three_demands_add_one_visit_a_month() -> None:
    assert visits_needed_in(_needs({SPECIAL_TAG}, demands=3), Q4) == 9
    assert visits_needed_in(_needs(set(), demands=3), NOVEMBER) == 1
    assert visits_needed_in(_needs(set(), demands=3), Q4) == 3
    assert visits_needed_in(_needs(set(), demands=2), Q4) == 1


def test_the_strictest_rule_wins_whatever_the_order() -> None:
    rules = [
        RuleSpec("monthly once", OTHER_TAG, PeriodKind.MONTH, 1),
        RuleSpec("quarterly four", OTHER_TAG, PeriodKind.QUARTER, 4),
    ]
    needs = household_requirements(rules=rules, tag_ids={OTHER_TAG}, recent_demands=0, adaptive=ADAPTIVE)
    assert needs == [Requirement(PeriodKind.QUARTER, 4, "quarterly four")]
