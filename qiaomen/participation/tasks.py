"""Periodic work of the participation domain, run by the huey consumer beside gunicorn."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qiaomen.participation.volunteers.ledger import points_expire
from qiaomen.participation.volunteers.stars import star_ratings_compute


@db_periodic_task(crontab(hour="17", minute="10"))
def points_expire_nightly() -> None:
    """Every night at 01:10 China time (17:10 UTC): unspent points past their period expire."""
    points_expire()


@db_periodic_task(crontab(month="12", day="31", hour="16", minute="30"))
def star_ratings_yearly() -> None:
    """On 1 January at 00:30 China time (31 December 16:30 UTC): the stars of the year just ended."""
    star_ratings_compute(year=timezone.localdate().year - 1)
