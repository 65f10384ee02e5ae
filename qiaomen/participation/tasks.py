"""Periodic work of the participation domain, run by the huey consumer that `make run` starts
beside gunicorn."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qiaomen.participation.budget.disclosure import budget_quarter_open
from qiaomen.participation.volunteers.ledger import points_expire
from qiaomen.participation.volunteers.stars import star_ratings_compute

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="17", minute="10"))
def points_expire_nightly() -> None:
    """Every night at 01:10 China time (17:10 UTC): unspent points past their period expire."""
    points_expire()


@db_periodic_task(crontab(month="12", day="31", hour="16", minute="30"))
def star_ratings_yearly() -> None:
    """On 1 January at 00:30 China time (31 December 16:30 UTC): the stars of the year just ended."""
    star_ratings_compute(year=timezone.localdate().year - 1)


@db_periodic_task(crontab(month="1,4,7,10", day="1-7", hour="1", minute="25"))
def budget_quarter_start() -> None:
    """At 09:25 China time (01:25 UTC; huey's clock is UTC) on each of the first seven days of a
    quarter: the first run fixes the new year's budget (in January) and keeps last quarter's
    disclosure (公示) of every street; later runs find both done, and a consumer that was down on
    the 1st still catches up within the week."""
    for disclosure in budget_quarter_open(now=timezone.now()):
        log.info("budget disclosure kept: street %s, %s", disclosure.street_id, disclosure.label)
