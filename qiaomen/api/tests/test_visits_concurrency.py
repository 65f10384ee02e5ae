"""A phone on a bad network sends the same visit many times at once: one row, one answer.

Real threads on real connections (a transactional test), so that the copies race in the
database, where the unique constraint on client_uuid decides, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from qiaomen.testing import SmallStreet, at_once
from qiaomen.tickets.models import Ticket
from qiaomen.visits.models import Demand, Visit

COPIES = 10


@pytest.mark.django_db(transaction=True)
def test_security_29_ten_simultaneous_copies_of_a_visit_record_one_row_and_get_one_answer(
    small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    payload = {
        "client_uuid": str(uuid.uuid4()),
        "household_id": small_street.household_a.pk,
        "visited_at": (timezone.now() - dt.timedelta(minutes=30))
        .astimezone(dt.timezone(dt.timedelta(hours=8)))
        .isoformat(),
        "outcome": "met",
        "answers": {"health": "良好", "safety": "安全"},
        "policies": ["pension"],
        "demands": [{"text": "希望增加助餐点", "subcategory": "LIF-MEAL"}],
    }
    # Each copy comes from its own phone session (client and token), as resends would.
    headers = [bearer("worker_a") for _ in range(COPIES)]

    def send(index: int) -> tuple[int, bytes]:
        response = Client().post("/api/v1/visits", payload, content_type="application/json", headers=headers[index])
        return response.status_code, response.content

    answers = at_once(COPIES, send)

    statuses = [status for status, _ in answers]
    assert statuses == [201] * COPIES, answers
    assert len({body for _, body in answers}) == 1
    assert Visit.objects.count() == 1
    assert Demand.objects.count() == 1 and Ticket.objects.count() == 1
