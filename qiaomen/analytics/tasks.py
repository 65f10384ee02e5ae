"""Periodic analysis work, run by the huey consumer that `make run` starts beside gunicorn."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qiaomen.analytics.forecast import forecast_refresh

log = logging.getLogger(__name__)


@db_periodic_task(crontab(day="1", hour="19", minute="30"))
def forecast_refresh_monthly() -> None:
    """At 19:30 UTC on the 1st (huey's clock is UTC), 03:30 on the 2nd in China: the month just
    ended is complete and joins the history; the forecast is for the month after this one."""
    run = forecast_refresh()
    log.info("forecast for %s: model %s, baseline %s", run.horizon, run.model_accuracy, run.baseline_accuracy)


@db_task()
def forecast_refresh_soon() -> None:
    """The same, queued once after the demo street has been seeded (seed_demo's last step)."""
    forecast_refresh_monthly.call_local()
