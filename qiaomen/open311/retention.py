"""Open311 submitters' contacts under the residents' messages' retention period (SECURITY 8).

A request's name, e-mail, phone and the client's account and device ids go with its ticket's
personal fields, counted from the ticket's closing; the request row stays with its time, key and
location, so the published list and every figure stay the same.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from qiaomen.open311.models import Open311Request
from qiaomen.tickets.retention import retention_part_register

PERSONAL_FIELDS = ("email", "first_name", "last_name", "phone", "account_id", "device_id")


def open311_contacts_past(cutoff: dt.datetime) -> QuerySet[Open311Request]:
    kept = Q()
    for name in PERSONAL_FIELDS:
        kept |= ~Q(**{name: ""})
    return Open311Request.objects.filter(kept, ticket__closed_at__lt=cutoff)


def open311_contacts_blank(ids: list[int]) -> None:
    # Empty values need no row binding: the encrypted fields take "" as it is.
    Open311Request.objects.filter(pk__in=ids).update(**dict.fromkeys(PERSONAL_FIELDS, ""))


def open311_retention_register() -> None:
    retention_part_register(category="resident_messages", rows_past=open311_contacts_past, blank=open311_contacts_blank)
