"""Hole 3: health and family details in free text are encrypted at rest like care notes, and the
pages still show them to the people allowed to see them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qiaomen.public.tests.conftest import Doors
from qiaomen.public.tests.posts import demand
from qiaomen.testing import database_dumps, raw_database_bytes
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create
from qiaomen.visits.models import Outcome, Visit
from qiaomen.visits.recording import DemandInput, visit_record

# ASCII, so that a dump escaping Chinese as \\uXXXX could not hide it.
MARKER = "MARKER-3f9c"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_hole_3_tickets_visits_and_resident_messages_hold_no_free_text_in_clear(
    doors: Doors,
    resident: Callable[[str], Client],
    client_as: Callable[[str], Client],
    bearer: Callable[[str], dict[str, str]],
) -> None:
    street = doors.street
    staff_ticket = ticket_create(
        channel=Channel.STAFF,
        description=f"老人{MARKER}糖尿病，需要上门送药",
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=street.household_a,
    )
    visit, _ = visit_record(
        worker=street.users["worker_a"],
        household=street.household_a,
        client_uuid=uuid.uuid4(),
        visited_at=timezone.now() - dt.timedelta(hours=1),
        outcome=Outcome.MET,
        answers={"health": "较差", "safety": "安全", "needs": f"女儿{MARKER}住院"},
        demands=[DemandInput(text=f"想申请{MARKER}助餐")],
        notes=f"家属说{MARKER}有抑郁",
    )
    sent = resident("10.3.0.1").post(Doors.url(doors.token_a), demand(f"我妈{MARKER}一个人住，吃不上热饭"))
    assert sent.status_code == 302
    qr_ticket = Ticket.objects.get(channel=Channel.QR)

    raw, dumps = raw_database_bytes(), database_dumps()
    assert street.household_a.room.encode() in raw  # the check reads real, committed data
    assert MARKER.encode() not in raw
    assert MARKER not in dumps

    # The people allowed to see them still do.
    staff = client_as("worker_a")
    for ticket in (staff_ticket, qr_ticket):
        page = staff.get(reverse("web:ticket_detail", args=[ticket.pk])).content.decode()
        assert MARKER in page
    listed = staff.get("/api/v1/visits", {"household_id": street.household_a.pk}, headers=bearer("worker_a"))
    [shown] = [v for v in listed.json()["items"] if v["id"] == visit.pk]
    assert MARKER in shown["answers"]["needs"] and MARKER in shown["demands"][0]["text"]
    assert MARKER in Visit.objects.get(pk=visit.pk).notes
    assert MARKER in resident("10.3.0.2").get(Doors.url(doors.token_a)).content.decode()
