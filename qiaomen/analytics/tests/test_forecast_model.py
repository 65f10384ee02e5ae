"""The forecast's arithmetic on synthetic seasonal demand: the model must beat the baseline that
the same history allows, measured as 1 − WAPE over every series and back-test month."""

from __future__ import annotations

import numpy as np
import pytest

from qiaomen.analytics.forecast_model import (
    HOLT_WINTERS,
    NAIVE,
    SEASONAL_NAIVE,
    SEASONAL_TOTALS,
    SMOOTHING,
    accuracy,
    backtest,
    baseline_forecast,
)


def seasonal_demand(months: int, *, grids: int = 30, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Poisson counts for grids × 4 categories whose seasons peak three months apart, each grid
    with its own size: a street's month in miniature."""
    rng = np.random.default_rng(seed)
    categories = np.repeat(np.arange(4), grids)
    size = np.tile(rng.gamma(2.0, 1.5, grids), 4)
    phase = np.array([0, 3, 6, 9])[categories]
    month = np.arange(months)
    season = 1 + 0.6 * np.sin(2 * np.pi * (month[None, :] + phase[:, None]) / 12)
    return rng.poisson(size[:, None] * season).astype(float), categories


def test_accuracy_is_one_minus_wape() -> None:
    actual = np.array([[2.0, 0.0, 4.0]])
    assert accuracy(actual, np.array([[1.0, 1.0, 4.0]])) == pytest.approx(1 - 2 / 6)
    assert accuracy(np.zeros((1, 3)), np.ones((1, 3))) is None  # nothing happened: nothing measured


def test_the_baseline_is_seasonal_only_where_a_year_exists() -> None:
    train = np.arange(24.0).reshape(2, 12)  # months 0..11
    values, kind = baseline_forecast(train[:, :11], lead=2)  # month 12: month 0 is a year before
    assert kind == SEASONAL_NAIVE and values.tolist() == [0.0, 12.0]
    values, kind = baseline_forecast(train[:, :10], lead=2)  # month 11: no year before, last known
    assert kind == NAIVE and values.tolist() == [9.0, 21.0]


@pytest.mark.parametrize(
    ("months", "method", "baseline", "margin"),
    [
        (36, HOLT_WINTERS, SEASONAL_NAIVE, 0.05),  # three years: Holt-Winters on the totals
        (18, SEASONAL_TOTALS, SEASONAL_NAIVE, 0.05),  # a year and a half: last year's totals
        (11, SMOOTHING, NAIVE, 0.0),  # the demo street: no year before any forecast month
    ],
)
def test_the_model_beats_the_baseline_the_history_allows(
    months: int, method: str, baseline: str, margin: float
) -> None:
    counts, categories = seasonal_demand(months)
    result = backtest(counts, categories, lead=2)
    assert len(result.folds) == 6
    assert result.methods == {method} and result.baselines == {baseline}
    assert result.model_accuracy is not None and result.baseline_accuracy is not None
    assert result.model_accuracy > result.baseline_accuracy + margin


def test_too_little_history_measures_nothing() -> None:
    counts, categories = seasonal_demand(4)
    result = backtest(counts, categories, lead=2)
    assert result.folds == [] and result.model_accuracy is None and result.baseline_accuracy is None


def test_a_fold_sees_nothing_of_its_own_month() -> None:
    """Changing the month forecast and the one before it (the gap) changes no prediction."""
    counts, categories = seasonal_demand(11)
    changed = counts.copy()
    changed[:, -2:] += 50
    before = backtest(counts, categories, lead=2).folds[-1]
    after = backtest(changed, categories, lead=2).folds[-1]
    assert np.array_equal(before.predicted, after.predicted) and np.array_equal(before.baseline, after.baseline)
