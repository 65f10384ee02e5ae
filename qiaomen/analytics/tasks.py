"""Periodic analytics work, run by the huey consumer beside gunicorn."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

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
