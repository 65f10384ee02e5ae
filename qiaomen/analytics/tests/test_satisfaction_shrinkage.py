"""Shrinkage toward the street mean: few ratings move a unit little, many speak for themselves."""

from __future__ import annotations

import pytest

from qiaomen.analytics.satisfaction_shrinkage import MAX_PRIOR_STRENGTH, MIN_PRIOR_STRENGTH, prior_fit

# (satisfied, rated): a big unit at 95 %, a new one with two perfect ratings, and units that
# really differ (60 % to 90 % on a hundred ratings each).
UNITS = [(190, 200), (2, 2), (60, 100), (80, 100), (45, 50), (70, 100)]
MEAN = sum(s for s, _ in UNITS) / sum(n for _, n in UNITS)


def test_the_prior_is_measured_from_the_spread_between_units() -> None:
    prior = prior_fit(UNITS, mean=MEAN)
    assert prior.fitted and prior.units == 6
    assert MIN_PRIOR_STRENGTH < prior.strength < MAX_PRIOR_STRENGTH
    assert prior.alpha + prior.beta == pytest.approx(prior.strength)
    assert prior.alpha / prior.strength == pytest.approx(MEAN)


def test_a_small_unit_is_pulled_toward_the_mean_and_a_large_one_stays_near_its_raw_score() -> None:
    prior = prior_fit(UNITS, mean=MEAN)
    small = prior.shrink(satisfied=2, rated=2)
    large = prior.shrink(satisfied=190, rated=200)
    assert abs(small - MEAN) < 0.5 * abs(1.0 - MEAN)
    assert abs(large - 0.95) < 0.02
    assert MEAN < small < 1.0 and MEAN < large < 0.95


def test_two_perfect_ratings_do_not_outrank_two_hundred_at_95_percent() -> None:
    prior = prior_fit(UNITS, mean=MEAN)
    assert prior.shrink(satisfied=2, rated=2) < prior.shrink(satisfied=190, rated=200)


def test_units_that_differ_no_more_than_chance_all_sit_at_the_mean() -> None:
    prior = prior_fit([(80, 100), (81, 100), (79, 100), (8, 10)], mean=0.8)
    assert prior.fitted and prior.strength == MAX_PRIOR_STRENGTH
    assert prior.shrink(satisfied=81, rated=100) == pytest.approx(0.8, abs=0.002)


@pytest.mark.parametrize("units", [[], [(5, 10)], [(0, 0), (3, 4)]])
def test_fewer_than_two_rated_units_give_no_measured_prior(units: list[tuple[int, int]]) -> None:
    prior = prior_fit(units, mean=0.8)
    assert not prior.fitted and prior.strength == MAX_PRIOR_STRENGTH


def test_a_street_where_everyone_is_satisfied_has_nothing_to_shrink() -> None:
    prior = prior_fit([(10, 10), (3, 3)], mean=1.0)
    assert prior.shrink(satisfied=3, rated=3) == 1.0
