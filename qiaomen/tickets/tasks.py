"""Periodic ticket work, run by the huey consumer that `make run` starts beside gunicorn."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qiaomen.tickets.retention import retention_purge
from qiaomen.tickets.services.escalation import escalation_sweep

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def escalation_sweep_every_minute() -> None:
    """Every minute: P1 tickets escalate 30 minutes after routing, so a coarser beat would let
    them wait too long. Safe to overlap: the sweep claims each ticket with a conditional update."""
    result = escalation_sweep()
    if result.escalated or result.closed:
        log.info("escalation sweep: %s escalated, %s closed", result.escalated, result.closed)


@db_periodic_task(crontab(hour="19", minute="0"))
def retention_purge_nightly() -> None:
    """Every night at 03:00 China time (19:00 UTC; huey's clock is UTC), after the backup."""
    report = retention_purge(dry_run=False)
    log.info("retention purge: %s%s", report.counts, f", refused {report.refused}" if report.refused else "")
