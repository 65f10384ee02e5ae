"""SECURITY 8 for Open311: a submitter's name, e-mail, phone and client ids go with the residents'
messages' period, counted from the ticket's closing; the request row and its ticket stay."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from qiaomen.open311.models import Open311Request
from qiaomen.open311.tests.open311_helpers import PostRequest
from qiaomen.open311.tests.test_open311_requests import created_id
from qiaomen.tickets.models import Status, Ticket
from qiaomen.tickets.retention import retention_purge

pytestmark = pytest.mark.django_db


def _closed_request(post_request: PostRequest, closed_at: dt.datetime) -> Open311Request:
    ticket = Ticket.objects.get(pk=created_id(post_request()))
    ticket.status, ticket.closed_at = Status.CLOSED, closed_at
    ticket.save(update_fields=["status", "closed_at"])
    return Open311Request.objects.get(ticket=ticket)


def test_security_8_open311_contacts_stay_through_the_period_and_go_the_day_after(post_request: PostRequest) -> None:
    closed = timezone.now()
    request = _closed_request(post_request, closed)
    period = dt.timedelta(days=settings.RETENTION_DAYS["resident_messages"])

    with time_machine.travel(closed + period - dt.timedelta(hours=1)):
        retention_purge(dry_run=False)
    kept = Open311Request.objects.get(pk=request.pk)
    assert (kept.email, kept.phone, kept.first_name, kept.device_id) == (
        "wang@example.cn",
        "13800001111",
        "秀英",
        "dev-1",
    )

    with time_machine.travel(closed + period + dt.timedelta(days=1)):
        assert retention_purge(dry_run=True).counts["resident_messages"] >= 1
        assert Open311Request.objects.get(pk=request.pk).email == "wang@example.cn"  # a dry run changes nothing
        retention_purge(dry_run=False)
    gone = Open311Request.objects.get(pk=request.pk)
    assert (gone.email, gone.phone, gone.first_name, gone.last_name, gone.account_id, gone.device_id) == ("",) * 6
    assert gone.created_at == request.created_at and gone.ticket_id == request.ticket_id
