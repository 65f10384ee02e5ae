"""Periodic work of the devices domain, run by the huey consumer that `make run` starts beside
gunicorn."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qiaomen.devices.heartbeats import devices_offline_sweep

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def devices_offline_every_minute() -> None:
    """Every minute: devices silent past their kind's interval turn offline (a P2 each)."""
    turned = devices_offline_sweep()
    if turned:
        log.info("devices offline: %s", len(turned))
