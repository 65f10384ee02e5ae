"""The ticket list as an Excel file: the tickets the user sees in the inbox, nothing more.

A bulk export (SECURITY.md line 19): at most settings.EXPORT_MAX_ROWS rows (a longer list is
refused, not cut, so nobody works from a list that silently lacks tickets), one audit row per
export written before the file is made, and only what the ticket page shows: the address and
the masked contact, never the person's name or ID number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import InvalidInput
from qiaomen.core.spreadsheets import xlsx_bytes
from qiaomen.tickets.models import Ticket


def _header() -> list[str]:
    return [
        _("Ticket"),
        _("Received"),
        _("Channel"),
        _("Sub-category"),
        _("Department"),
        _("Status"),
        _("Priority"),
        _("Address"),
        _("Contact"),
        _("Demand"),
    ]


def _row(ticket: Ticket) -> list[object]:
    received = timezone.localtime(ticket.created_at).strftime("%Y-%m-%d %H:%M")
    return [
        ticket.pk,
        received,
        ticket.get_channel_display(),
        ticket.subcategory.name,
        ticket.department.name,
        ticket.get_status_display(),
        ticket.get_priority_display(),
        str(ticket.household) if ticket.household else "",
        getattr(ticket, "contact_phone_masked", None) or "",
        ticket.description,
    ]


def tickets_export(*, user: User, tickets: QuerySet[Ticket], request: HttpRequest | None = None) -> bytes:
    """`tickets` is already scoped to the user (a selector's list); returns the .xlsx file."""
    limit = settings.EXPORT_MAX_ROWS
    count = tickets.count()
    if count > limit:
        raise InvalidInput(
            "export_too_large",
            _("The list holds %(count)s tickets; at most %(limit)s can be exported at once.")
            % {"count": count, "limit": limit},
        )
    with transaction.atomic():
        audit_record(action="ticket.export", actor=user, request=request, detail={"rows": count})
    rows = (
        tickets.select_related("subcategory", "department", "household__building")
        .annotate(contact_phone_masked=F("person__phone_masked"))
        .iterator(chunk_size=1000)
    )
    return xlsx_bytes(sheet="tickets", header=_header(), rows=(_row(ticket) for ticket in rows))
