"""The factors of satisfaction on a built dataset, against differences computed by hand, and the
suggestions that quote them."""

from __future__ import annotations

import pytest
from django.utils import translation

from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.periods import period_parse
from qiaomen.analytics.satisfaction import SatisfactionModel, satisfaction_model
from qiaomen.analytics.satisfaction_suggestions import percent
from qiaomen.analytics.tests.satisfaction_data import NOVEMBER_2, rated_tickets_make
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db
NOVEMBER = period_parse("2026-11")


def _model(street: SmallStreet) -> SatisfactionModel:
    return satisfaction_model(scope=place_scope(street.users["street_admin"]), period=NOVEMBER)


@pytest.fixture
def slow_and_fast(small_street: SmallStreet) -> SmallStreet:
    """Accepted after 30 h: 40 ratings, 24 satisfied (60 %). Within 24 h: 60 ratings, 50
    satisfied (83.3 %): 25 after 1 h, 35 after 10 h. Five repeats among the fast ones, all satisfied."""
    grid = small_street.grid_a
    rated_tickets_make(grid=grid, rated=40, satisfied=24, accepted_after_hours=30)
    rated_tickets_make(grid=grid, rated=25, satisfied=20, accepted_after_hours=1)
    anchor = rated_tickets_make(grid=grid, rated=1, satisfied=1, created_at=NOVEMBER_2.replace(month=9))[0]
    rated_tickets_make(grid=grid, rated=30, satisfied=25, accepted_after_hours=10)
    rated_tickets_make(grid=grid, rated=5, satisfied=5, accepted_after_hours=10, repeat_of=anchor)
    return small_street


def test_the_response_time_effect_is_the_difference_of_the_two_shares(slow_and_fast: SmallStreet) -> None:
    effects = {effect.factor.code: effect for effect in _model(slow_and_fast).effects}
    slow = effects["slow_response"]
    assert (slow.with_rated, slow.with_satisfied, slow.without_rated, slow.without_satisfied) == (40, 24, 60, 50)
    assert slow.difference == pytest.approx(24 / 40 - 50 / 60)
    assert slow.measured
    repeat = effects["repeat"]
    assert (repeat.with_rated, repeat.with_satisfied) == (5, 5) and not repeat.measured


def test_satisfaction_by_response_bucket(slow_and_fast: SmallStreet) -> None:
    buckets = {row.bucket.code: (row.rated, row.satisfied) for row in _model(slow_and_fast).buckets}
    assert buckets == {"h2": (25, 20), "h8": (0, 0), "h24": (35, 30), "h72": (40, 24), "later": (0, 0), "none": (0, 0)}


def test_the_regression_gives_the_odds_ratio_of_the_one_measured_factor(slow_and_fast: SmallStreet) -> None:
    regression = _model(slow_and_fast).regression
    assert regression.fitted and regression.ratings == 100
    # Only the response time has 30 ratings on both sides: a saturated model, whose odds ratio
    # is the crude one, (24/16) / (50/10).
    (odds,) = regression.odds
    assert odds.factor.code == "slow_response"
    assert odds.odds_ratio == pytest.approx((24 / 16) / (50 / 10))
    assert odds.low < odds.odds_ratio < odds.high < 1 and odds.clear
    assert {factor.code for factor in regression.left_out} == {"repeat", "escalated", "on_spot"}


def test_the_suggestion_quotes_exactly_the_measured_numbers(slow_and_fast: SmallStreet) -> None:
    with translation.override("zh-hans"):
        model = _model(slow_and_fast)
    (suggestion,) = model.suggestions
    assert suggestion.code == "slow_response"
    assert suggestion.figures == {"with": 60, "without": 83, "gap": 23, "n_with": 40, "n_without": 60}
    assert suggestion.text.startswith("响应超过24小时的工单满意率为 60%，比24小时内受理的工单（83%）低 23 个百分点")
    assert "n=40 / 60" in suggestion.text


def test_no_suggestion_and_no_regression_with_too_few_ratings(small_street: SmallStreet) -> None:
    rated_tickets_make(grid=small_street.grid_a, rated=20, satisfied=5, accepted_after_hours=50)
    rated_tickets_make(grid=small_street.grid_a, rated=20, satisfied=20, accepted_after_hours=1)
    model = _model(small_street)
    slow = next(effect for effect in model.effects if effect.factor.code == "slow_response")
    assert slow.difference == pytest.approx(-0.75) and not slow.measured
    assert model.suggestions == []
    assert not model.regression.fitted and model.regression.not_fitted is not None


def test_no_suggestion_when_the_effect_goes_the_harmless_way(small_street: SmallStreet) -> None:
    rated_tickets_make(grid=small_street.grid_a, rated=50, satisfied=45, accepted_after_hours=30)
    rated_tickets_make(grid=small_street.grid_a, rated=50, satisfied=40, accepted_after_hours=1)
    assert _model(small_street).suggestions == []


def test_a_weak_department_is_named_with_its_numbers(small_street: SmallStreet) -> None:
    rated_tickets_make(grid=small_street.grid_a, rated=100, satisfied=95)
    rated_tickets_make(grid=small_street.grid_a, rated=100, satisfied=93, department="jiaoyu")
    rated_tickets_make(grid=small_street.grid_a, rated=60, satisfied=30, department="zhujian")
    with translation.override("zh-hans"):
        model = _model(small_street)
    weak = [s for s in model.suggestions if s.code.startswith("department:")]
    assert len(weak) == 1
    unit = next(u for u in model.levels["department"].units if u.name == "住建")
    assert weak[0].figures["raw"] == 50 and weak[0].figures["rated"] == 60
    assert weak[0].figures["shrunk"] == percent(unit.shrunk)
    assert weak[0].text.startswith(f"住建：满意率 50%（按评价数修正后 {weak[0].figures['shrunk']}%，n=60）")


def test_escalation_and_resolution_on_the_spot_against_hand_computed_shares(small_street: SmallStreet) -> None:
    """On the spot: 40 ratings, 38 satisfied (95 %). Escalated: 30, 15 satisfied. The rest: 60
    accepted within 24 hours, 45 satisfied."""
    grid, worker = small_street.grid_a, small_street.users["worker_a"]
    rated_tickets_make(grid=grid, rated=40, satisfied=38, on_spot=True, resolver=worker)
    rated_tickets_make(grid=grid, rated=30, satisfied=15, escalated=True)
    rated_tickets_make(grid=grid, rated=30, satisfied=30)
    with translation.override("zh-hans"):
        model = _model(small_street)
    effects = {effect.factor.code: effect for effect in model.effects}
    assert effects["on_spot"].difference == pytest.approx(38 / 40 - 45 / 60)
    assert effects["escalated"].difference == pytest.approx(15 / 30 - 68 / 70)
    texts = {suggestion.code: suggestion.text for suggestion in model.suggestions}
    assert texts["on_spot"].startswith("现场解决的诉求满意率为 95%，比其他诉求（75%）高 20 个百分点（n=40 / 60）")
    assert texts["escalated"].startswith("升级工单的满意率为 50%，比未升级的工单（97%）低 47 个百分点（n=30 / 70）")


def test_a_ticket_accepted_at_exactly_24_hours_was_accepted_within_24_hours(small_street: SmallStreet) -> None:
    rated_tickets_make(grid=small_street.grid_a, rated=1, satisfied=1, accepted_after_hours=2)
    rated_tickets_make(grid=small_street.grid_a, rated=2, satisfied=2, accepted_after_hours=24)
    rated_tickets_make(grid=small_street.grid_a, rated=3, satisfied=3, accepted_after_hours=24 + 1 / 3600)
    buckets = {row.bucket.code: row.rated for row in _model(small_street).buckets}
    assert (buckets["h2"], buckets["h24"], buckets["h72"]) == (1, 2, 3)
