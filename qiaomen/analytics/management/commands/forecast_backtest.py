"""`python manage.py forecast_backtest [--today 2026-12-06]`: back-test the demand forecast on the
history before that day's month and print the model's and the baseline's accuracy (1 − WAPE)
with the months and series they were measured on. Writes nothing."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from qiaomen.analytics.forecast import LEAD, forecast_evaluate
from qiaomen.analytics.models import method_labels
from qiaomen.visits.periods import CHINA


def percent(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.1%}"


class Command(BaseCommand):
    help = "Back-test the demand forecast against the baseline and print both accuracies."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="the day the forecast is made (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.now().astimezone(CHINA).date()
        started = time.perf_counter()
        history, result = forecast_evaluate(today=today)
        seconds = time.perf_counter() - started
        span = f"{history.months[0]:%Y-%m} to {history.months[-1]:%Y-%m}" if history.months else "none"
        self.stdout.write(f"history: {len(history.months)} complete months ({span})")
        self.stdout.write(f"series: {len(history.keys)} (grid x category)")
        self.stdout.write(f"folds: {len(result.folds)} back-test months, each forecast {LEAD} months ahead")
        self.stdout.write(
            f"model accuracy (1 - WAPE): {percent(result.model_accuracy)}  [{method_labels(result.methods)}]"
        )
        self.stdout.write(
            f"baseline accuracy (1 - WAPE): {percent(result.baseline_accuracy)}  [{method_labels(result.baselines)}]"
        )
        self.stdout.write(f"seconds: {seconds:.2f}")
