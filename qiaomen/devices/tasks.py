"""Periodic work of the devices domain, run by the huey consumer that `make run` starts beside
gunicorn.

The alarm acknowledgement sweep runs every 30 seconds. Huey's periodic tasks cannot do that by
themselves: a crontab has minute resolution, and the consumer's scheduler reads the periodic
tasks only once every 60 seconds (`Scheduler.periodic_task_seconds`), at whatever second it
started, so a `validate_datetime` accepting seconds 0 and 30 would see just one of them. So the
minute's periodic task sweeps and schedules one more sweep 30 seconds later (the scheduler,
polling every second, runs it on time). Each rung is claimed, so sweeps that overlap never climb
the same rung twice.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qiaomen.devices.acknowledgements import ack_sweep
from qiaomen.devices.heartbeats import devices_offline_sweep

log = logging.getLogger(__name__)

ACK_SWEEP_SECONDS = 30


@db_periodic_task(crontab(minute="*"))
def devices_offline_every_minute() -> None:
    """Every minute: devices silent past their kind's interval turn offline (a P2 each)."""
    turned = devices_offline_sweep()
    if turned:
        log.info("devices offline: %s", len(turned))


@db_task()
def device_ack_sweep() -> int:
    """One sweep of the alarms waiting for acknowledgement."""
    climbed = ack_sweep()
    if climbed:
        log.info("alarm acknowledgement: %s rungs climbed", climbed)
    return climbed


@db_periodic_task(crontab(minute="*"))
def device_ack_sweep_every_30_seconds() -> None:
    """Every minute a sweep now and one half a minute later: a sweep every 30 seconds."""
    device_ack_sweep.call_local()
    device_ack_sweep.schedule(delay=ACK_SWEEP_SECONDS)
