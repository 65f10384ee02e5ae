"""Retention (SECURITY 8, 23): personal data older than its category's period goes; figures stay.

Periods are days in `settings.RETENTION_DAYS`, counted from:
- visit_notes: the visit (its notes and the words of the demands raised on it are blanked);
- visit_photos: the upload (row and file removed);
- ticket_personal and resident_messages: the ticket's closing. A resident's message (QR page,
  Open311/API) and a ticket staff entered differ only in their period. The description, the
  call-back phone and the resolution note are blanked, the link to the person dropped, the photos
  removed. The ticket row stays with its channel, sub-category, department, grid, household,
  statuses, times, deadlines and rating, so every count and time figure stays the same;
- audit: the row's time; only the oldest rows go, behind a trim anchor (core.audit_anchors).

Lives in tickets, the lowest layer that sees both visits and tickets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from qiaomen.core.audit import audit_record
from qiaomen.core.audit_anchors import audit_expired_count, audit_trim
from qiaomen.core.errors import Conflict
from qiaomen.tickets.models import Channel, Ticket, TicketPhoto
from qiaomen.tickets.services.photos import ticket_photo_path
from qiaomen.visits.models import Demand, Visit, VisitPhoto
from qiaomen.visits.photos import visit_photo_path

BATCH = 500
RESIDENT_CHANNELS = (Channel.QR, Channel.API)
CATEGORIES = ("visit_notes", "visit_photos", "ticket_personal", "resident_messages", "audit")


# What apps above tickets keep of a category (Open311's submitter contacts are residents'
# messages): each registers, from its AppConfig.ready(), the rows past a cutoff and how to blank
# them, since retention may not import a face.
RowsPast = Callable[[dt.datetime], QuerySet[Any]]
_REGISTERED: list[tuple[str, RowsPast, Callable[[list[int]], None]]] = []


def retention_part_register(*, category: str, rows_past: RowsPast, blank: Callable[[list[int]], None]) -> None:
    """Add an app's personal data to `category`: `rows_past(cutoff)` are its rows past the period,
    `blank(ids)` removes their personal fields (in the caller's batch transaction)."""
    if category not in CATEGORIES or category == "audit":
        raise ValueError(f"no retention category {category!r}")
    if not any(part[1] is rows_past for part in _REGISTERED):
        _REGISTERED.append((category, rows_past, blank))


@dataclass
class RetentionReport:
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


def retention_cutoff(category: str, *, now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=settings.RETENTION_DAYS[category])


def _tickets(category: str, cutoff: dt.datetime) -> QuerySet[Ticket]:
    channel = Q(channel__in=RESIDENT_CHANNELS)
    not_blank = ~Q(description="") | ~Q(callback_phone="") | ~Q(resolution_note="") | Q(person__isnull=False)
    return Ticket.objects.filter(
        channel if category == "resident_messages" else ~channel, not_blank, closed_at__lt=cutoff
    )


def _blank_tickets(ids: list[int]) -> None:
    Ticket.objects.filter(pk__in=ids).update(description="", callback_phone="", resolution_note="", person=None)
    photos_remove(TicketPhoto.objects.filter(ticket__in=ids), ticket_photo_path)


def photos_remove(photos: QuerySet[TicketPhoto] | QuerySet[VisitPhoto], path_of: Callable[..., Path]) -> int:
    """Remove the photos' rows, and their files once the transaction commits; how many went.
    Shared by retention and by a person's erasure (tickets.rights.erasure)."""
    paths = [path_of(photo) for photo in photos]
    photos.delete()

    def unlink() -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    # Files go once the rows are gone for good; a rolled-back batch keeps both.
    transaction.on_commit(unlink)
    return len(paths)


def _blank_visit_notes(ids: list[int]) -> None:
    Visit.objects.filter(pk__in=ids).update(notes="")


def _blank_demands(ids: list[int]) -> None:
    Demand.objects.filter(pk__in=ids).update(text="")


def _remove_visit_photos(ids: list[int]) -> None:
    photos_remove(VisitPhoto.objects.filter(pk__in=ids), visit_photo_path)


def _in_batches(rows: QuerySet[Any], apply: Callable[[list[int]], None]) -> int:
    done = 0
    while True:
        with transaction.atomic():
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not ids:
                return done
            apply(ids)
        done += len(ids)


def retention_purge(*, dry_run: bool, now: dt.datetime | None = None) -> RetentionReport:
    """Count (dry run) or remove what each category holds past its period; one audit row per
    real run. Counts only: never a value."""
    now = now or timezone.now()
    report = RetentionReport(dry_run=dry_run)
    notes_cut = retention_cutoff("visit_notes", now=now)
    expired: dict[str, list[tuple[QuerySet[Any], Callable[[list[int]], None]]]] = {
        "visit_notes": [
            (Visit.objects.filter(visited_at__lt=notes_cut).exclude(notes=""), _blank_visit_notes),
            (Demand.objects.filter(raised_at__lt=notes_cut).exclude(text=""), _blank_demands),
        ],
        "visit_photos": [
            (VisitPhoto.objects.filter(uploaded_at__lt=retention_cutoff("visit_photos", now=now)), _remove_visit_photos)
        ],
        "ticket_personal": [
            (_tickets("ticket_personal", retention_cutoff("ticket_personal", now=now)), _blank_tickets)
        ],
        "resident_messages": [
            (_tickets("resident_messages", retention_cutoff("resident_messages", now=now)), _blank_tickets)
        ],
    }
    for category, rows_past, blank in _REGISTERED:
        expired[category].append((rows_past(retention_cutoff(category, now=now)), blank))
    for category, parts in expired.items():
        if dry_run:
            report.counts[category] = sum(rows.count() for rows, _ in parts)
        else:
            report.counts[category] = sum(_in_batches(rows, apply) for rows, apply in parts)
    audit_cut = retention_cutoff("audit", now=now)
    if dry_run:
        report.counts["audit"] = audit_expired_count(older_than=audit_cut)
        return report
    try:
        report.counts["audit"] = audit_trim(older_than=audit_cut)
    except Conflict as exc:
        report.counts["audit"] = 0
        report.refused["audit"] = str(exc.message)
    audit_record(
        action="retention.purge",
        actor_name="retention",
        detail={"counts": report.counts, "refused": report.refused, "days": dict(settings.RETENTION_DAYS)},
    )
    return report
