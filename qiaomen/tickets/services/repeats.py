"""Repeats (R-TIC-7): the same household raising the same sub-category again within 90 days."""

from __future__ import annotations

import datetime as dt

from qiaomen.registry.models import Household
from qiaomen.tickets.models import Status, Subcategory, Ticket

REPEAT_WINDOW = dt.timedelta(days=90)


def repeat_of_id(household: Household | None, subcategory: Subcategory, now: dt.datetime) -> int | None:
    """The household's latest ticket of the sub-category within REPEAT_WINDOW; a merged one is
    the same demand as the ticket it went into, so that one is linked instead (services.merges).
    Its id only: a new ticket links to it, and reading the whole row would decrypt its text."""
    if household is None:
        return None
    return (
        Ticket.objects.filter(household=household, subcategory=subcategory, created_at__gte=now - REPEAT_WINDOW)
        .exclude(status=Status.MERGED)
        .order_by("-created_at")
        .values_list("pk", flat=True)
        .first()
    )
