"""`python manage.py forecast_refresh [--today 2026-12-06]`: back-test, forecast next month's
demands per grid and category and keep the run (what the monthly job does)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qiaomen.analytics.forecast import forecast_refresh
from qiaomen.analytics.management.commands.forecast_backtest import percent


class Command(BaseCommand):
    help = "Forecast next month's demands per grid and category, with the back-tested accuracy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="the day the forecast is made (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        run = forecast_refresh(today=options["today"])
        self.stdout.write(
            f"forecast for {run.horizon:%Y-%m}: {run.series} series, {run.folds} back-test months, "
            f"model accuracy {percent(run.model_accuracy)}, baseline accuracy {percent(run.baseline_accuracy)}, "
            f"{run.seconds:.2f} s"
        )
