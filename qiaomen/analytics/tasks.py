"""Periodic analytics work, run by the huey consumer that `make run` starts beside gunicorn."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qiaomen.analytics.coverage_snapshots import REFRESH_MINUTES, coverage_snapshots_refresh
from qiaomen.analytics.forecast import forecast_refresh
from qiaomen.analytics.reports.services import monthly_bulletins_keep
from qiaomen.tickets.selectors import workday_calendar

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="15", hour="0-9"))
def monthly_bulletin_on_first_working_day() -> None:
    """Every hour from 08:15 to 17:15 China time (00:15–09:15 UTC; huey's clock is UTC): on the
    month's first working day the first run keeps last month's bulletin, later runs find it kept
    (so a consumer started late in the day still writes it); other days nothing happens."""
    kept = monthly_bulletins_keep(now=timezone.now(), calendar=workday_calendar())
    for report in kept:
        log.info("monthly bulletin kept: %s", report.filename)


@db_periodic_task(crontab(day="1", hour="19", minute="30"))
def forecast_refresh_monthly() -> None:
    """At 19:30 UTC on the 1st (huey's clock is UTC), 03:30 on the 2nd in China: the month just
    ended is complete and joins the history; the forecast is for the month after this one."""
    run = forecast_refresh()
    log.info("forecast for %s: model %s, baseline %s", run.horizon, run.model_accuracy, run.baseline_accuracy)


@db_task()
def forecast_refresh_soon() -> None:
    """The same, queued once when a forecast is wanted now rather than on the 1st."""
    forecast_refresh_monthly.call_local()


@db_periodic_task(crontab(minute=f"*/{REFRESH_MINUTES}"))
def coverage_snapshots_every_few_minutes() -> None:
    """The special-group coverage of this month, quarter and year for the command centre, which
    counts it live instead while the snapshot is older than coverage_snapshots.MAX_AGE."""
    kept = coverage_snapshots_refresh()
    log.info("coverage snapshots counted: %s", ", ".join(str(snapshot) for snapshot in kept))
