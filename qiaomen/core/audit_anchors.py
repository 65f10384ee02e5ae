"""Anchoring the end of the audit chain (hole 5) and trimming its start (SECURITY 23).

A head anchor records where the chain stood: rows written so far, the last row and its hash. It is
written to its own table and to the log, so that deleting the newest audit rows (which leaves a
shorter, still whole chain) shows in `audit_verify` and in the logs kept elsewhere.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from qiaomen.core.audit import audit_verify, chain_lock, chain_start
from qiaomen.core.errors import Conflict
from qiaomen.core.models import AnchorKind, AuditAnchor, AuditEntry

log = logging.getLogger(__name__)


def _written_up_to(last_entry_id: int) -> int:
    """Rows written since the log began up to `last_entry_id`: those retention removed, plus
    those still here."""
    trim = chain_start()
    removed, after = (trim.entry_count, trim.last_entry_id) if trim else (0, 0)
    return removed + AuditEntry.objects.filter(pk__gt=after, pk__lte=last_entry_id).count()


def audit_anchor_write() -> AuditAnchor | None:
    """Record the chain's head, unless it is already anchored; None while the log is empty."""
    with transaction.atomic():
        chain_lock()
        head = AuditEntry.objects.order_by("-pk").values_list("pk", "row_hash").first()
        if head is None:
            return None
        last_id, last_hash = head
        known = AuditAnchor.objects.filter(kind=AnchorKind.HEAD, last_entry_id=last_id, last_hash=last_hash).first()
        if known is not None:
            return known
        anchor = AuditAnchor.objects.create(
            at=timezone.now(),
            kind=AnchorKind.HEAD,
            entry_count=_written_up_to(last_id),
            last_entry_id=last_id,
            last_hash=last_hash,
        )
    # A copy outside the database: whoever can delete rows and anchors cannot reach the log host.
    log.info(
        "audit anchor: at %s count %s last row #%s hash %s",
        anchor.at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        anchor.entry_count,
        anchor.last_entry_id,
        anchor.last_hash,
    )
    return anchor


def audit_expired_count(*, older_than: dt.datetime) -> int:
    """How many of the oldest rows `audit_trim` would remove."""
    return len(_expired_ids(older_than=older_than, limit=None))


def _expired_ids(*, older_than: dt.datetime, limit: int | None) -> list[int]:
    """The oldest rows up to the first one that is still young: only a prefix of the chain can
    go, so a row with a wrong clock in the middle keeps everything after it."""
    trim = chain_start()
    rows = AuditEntry.objects.filter(pk__gt=trim.last_entry_id if trim else 0)
    first_young = rows.filter(at__gte=older_than).order_by("pk").values_list("pk", flat=True).first()
    if first_young is not None:
        rows = rows.filter(pk__lt=first_young)
    ids = rows.order_by("pk").values_list("pk", flat=True)
    return list(ids if limit is None else ids[:limit])


def audit_trim(*, older_than: dt.datetime, batch: int = 5000) -> int:
    """Remove the audit rows written before `older_than`, oldest first, in batches; return how
    many went. Each batch first writes a trim anchor naming its last row (the database refuses
    to delete a row no trim anchor covers). A broken chain is never trimmed: the rows that would
    go are the evidence."""
    broken = audit_verify()[1]
    if broken is not None:
        raise Conflict(
            "audit_chain_broken",
            gettext("The audit chain is broken at row %(row)s; no audit row was removed.") % {"row": broken.entry_id},
        )
    removed = 0
    while True:
        with transaction.atomic():
            chain_lock()
            ids = _expired_ids(older_than=older_than, limit=batch)
            if not ids:
                return removed
            last = AuditEntry.objects.get(pk=ids[-1])
            AuditAnchor.objects.create(
                at=timezone.now(),
                kind=AnchorKind.TRIM,
                entry_count=_written_up_to(last.pk),
                last_entry_id=last.pk,
                last_hash=last.row_hash,
            )
            AuditEntry.objects.filter(pk__lte=last.pk).delete()
            removed += len(ids)
