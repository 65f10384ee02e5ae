"""Periodic work of the core, run by the huey consumer that `make run` starts beside gunicorn."""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qiaomen.core.audit_anchors import audit_anchor_write
from qiaomen.core.backups.services import backup_create, backup_prune

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/10"))
def audit_anchor_every_ten_minutes() -> None:
    """Anchor the audit chain's head (hole 5): deleting the newest rows can hide at most the last
    ten minutes, and even those show in the log that holds the anchor's copy."""
    audit_anchor_write()


@db_periodic_task(crontab(hour="18", minute="30"))
def backup_nightly() -> None:
    """Every night at 02:30 China time (18:30 UTC; huey's clock is UTC): a backup into
    QIAOMEN_BACKUP_DIR, then only the newest QIAOMEN_BACKUP_KEEP are kept."""
    path = backup_create(out_dir=settings.BACKUP_DIR)
    removed = backup_prune(directory=settings.BACKUP_DIR, keep=settings.BACKUP_KEEP)
    log.info("backup %s written; %s old backups removed", path.name, len(removed))
