"""The demand forecast as arithmetic on a table of monthly counts (no database here).

`counts[s, t]` is the number of demands of series s (one grid × one category) in complete month
t, oldest first; `categories[s]` is the series' category. A forecast for month t is made from the
months before t − lead + 1 only: with lead 2, the forecast made in December for January sees
November and earlier, as the real one does (December is not over yet).

The model: each category's street total is forecast with exponential smoothing (statsmodels),
then shared out among the grids by each grid's share of that category over the last twelve
training months. Pooling the grids smooths the noise that a grid's handful of demands carries,
which a grid's own last value (the naive baseline) passes straight on. The total is forecast by:
- Holt-Winters (damped trend, seasonal) once two years of training months exist;
- the total of the same month a year before, once one year exists (the seasons, no trend);
- simple exponential smoothing before that (the level only).

The baseline: a series' own value of the same month a year before (seasonal naive) where that
month exists, otherwise its last known month (naive); `baseline_label` says which was used.

Accuracy = 1 − WAPE = 1 − Σ|actual − predicted| / Σ actual over every series and every back-test
month, or None when nothing happened in those months (nothing was measured).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

YEAR = 12
SHARE_MONTHS = 12
MIN_TRAIN_MONTHS = 4  # a back-test fold needs this many training months
MAX_FOLDS = 6

SMOOTHING = "smoothing"
SEASONAL_TOTALS = "seasonal_totals"
HOLT_WINTERS = "holt_winters"
SEASONAL_NAIVE = "seasonal_naive"
NAIVE = "naive"

Counts = NDArray[np.float64]


def total_forecast(history: Counts, lead: int) -> tuple[float, str]:
    """One category's total `lead` months after the last of `history`, and the method used."""
    # statsmodels is imported where it fits: it takes over a second to import, and every process
    # that loads the periodic jobs (each manage.py command, each web worker) would pay for it.
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    months = len(history)
    if not history.any():
        return 0.0, SMOOTHING
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        if months >= 2 * YEAR:
            seasonal = "mul" if (history > 0).all() else "add"
            fit = ExponentialSmoothing(
                history,
                trend="add",
                damped_trend=True,
                seasonal=seasonal,
                seasonal_periods=YEAR,
                initialization_method="estimated",
            ).fit()
            return max(0.0, float(fit.forecast(lead)[-1])), HOLT_WINTERS
        if months + lead - 1 >= YEAR:
            return float(history[months + lead - 1 - YEAR]), SEASONAL_TOTALS
        fit = ExponentialSmoothing(history, initialization_method="estimated").fit()
        return max(0.0, float(fit.forecast(lead)[-1])), SMOOTHING


def model_forecast(train: Counts, categories: NDArray[np.int64], lead: int) -> tuple[Counts, set[str]]:
    """Every series' forecast `lead` months after the training months, and the methods used.

    The fits run with one BLAS thread: on a busy machine OpenBLAS's threads wait on each other
    (measured here with the load at 8 on 2 cores: a back-test of 11 months took 1.4 s with the
    default threads, 0.25 s with one)."""
    predicted = np.zeros(train.shape[0])
    methods: set[str] = set()
    recent = train[:, -SHARE_MONTHS:].sum(axis=1)
    with threadpool_limits(limits=1, user_api="blas"):
        for category in np.unique(categories):
            members = categories == category
            total, method = total_forecast(train[members].sum(axis=0), lead)
            methods.add(method)
            whole = recent[members].sum()
            if whole:
                predicted[members] = total * recent[members] / whole
    return predicted, methods


def baseline_forecast(train: Counts, lead: int) -> tuple[Counts, str]:
    """Seasonal naive where the same month a year before is known, else the last known month."""
    months = train.shape[1]
    target = months + lead - 1
    if target >= YEAR:
        return train[:, target - YEAR].copy(), SEASONAL_NAIVE
    return train[:, -1].copy(), NAIVE


def accuracy(actual: Counts, predicted: Counts) -> float | None:
    """1 − WAPE over all cells, None when the actual total is zero (nothing to measure against)."""
    whole = float(np.abs(actual).sum())
    if not whole:
        return None
    return 1.0 - float(np.abs(actual - predicted).sum()) / whole


@dataclass(frozen=True)
class Fold:
    target: int  # the month index forecast
    predicted: Counts
    baseline: Counts


@dataclass(frozen=True)
class Backtest:
    folds: list[Fold]
    model_accuracy: float | None
    baseline_accuracy: float | None
    methods: frozenset[str]
    baselines: frozenset[str]


def backtest(counts: Counts, categories: NDArray[np.int64], *, lead: int, max_folds: int = MAX_FOLDS) -> Backtest:
    """Rolling origin: each of the last `max_folds` months that leaves MIN_TRAIN_MONTHS of
    training before it is forecast from the months before it, by the model and the baseline."""
    months = counts.shape[1]
    first = max(MIN_TRAIN_MONTHS + lead - 1, months - max_folds)
    folds = []
    methods: set[str] = set()
    baselines: set[str] = set()
    for target in range(first, months):
        train = counts[:, : target - lead + 1]
        predicted, used = model_forecast(train, categories, lead)
        baseline, kind = baseline_forecast(train, lead)
        methods |= used
        baselines.add(kind)
        folds.append(Fold(target, predicted, baseline))
    if not folds:
        return Backtest([], None, None, frozenset(), frozenset())
    actual = np.stack([counts[:, fold.target] for fold in folds])
    return Backtest(
        folds,
        accuracy(actual, np.stack([fold.predicted for fold in folds])),
        accuracy(actual, np.stack([fold.baseline for fold in folds])),
        frozenset(methods),
        frozenset(baselines),
    )
