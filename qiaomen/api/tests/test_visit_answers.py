"""A visit without demands is answered from what the request wrote, not read back
(qiaomen.api.visit_answers); a resend is answered from the stored visit. Both answers must be the
same, byte for byte, whatever the visit holds, and the first costs fewer queries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qiaomen.api.tests.test_visits import post_visit, visit_payload
from qiaomen.testing import SmallStreet
from qiaomen.visits.models import VerificationRequest, Visit
from qiaomen.web.tests.visit_helpers import NOW, visits_clock  # noqa: F401

pytestmark = [pytest.mark.usefixtures("visits_clock"), pytest.mark.django_db]
Headers = Callable[[str], dict[str, str]]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"policies": ["pension", "elderly_allowance", "pension"]},
        {"outcome": "mismatch", "answers": {}},
        {"outcome": "not_home", "answers": {}, "photos_expected": 2},
        {"lat": 30.6586, "lng": 104.0648, "accuracy_m": 12, "visited_at": "2026-11-16T09:00:00.123456+08:00"},
        {"answers": {"safety": "安全", "health": "良好"}},
    ],
    ids=["plain", "policies-repeated", "verification", "photos-awaited", "position", "answers-reordered"],
)
def test_the_first_answer_is_the_stored_visits_answer(
    client: Client, small_street: SmallStreet, bearer: Headers, changes: dict[str, Any]
) -> None:
    headers = bearer("worker_a")
    payload = visit_payload(small_street.household_a.pk, **changes)

    first = post_visit(client, headers, payload)
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        again = post_visit(client, headers, payload)  # answered from the stored visit

    assert (first.status_code, again.status_code) == (201, 201), first.content
    assert first.content == again.content
    assert Visit.objects.count() == 1


def test_the_answer_says_a_verification_was_opened(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    response = post_visit(
        client, bearer("worker_a"), visit_payload(small_street.household_a.pk, outcome="moved_out", answers={})
    )

    assert response.status_code == 201
    assert json.loads(response.content)["verification_queued"] is True
    assert VerificationRequest.objects.filter(visit__pk=json.loads(response.content)["id"]).exists()


def test_a_new_visit_without_demands_is_not_read_back(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    headers = bearer("worker_a")
    with CaptureQueriesContext(connection) as captured:
        assert post_visit(client, headers, visit_payload(small_street.household_a.pk)).status_code == 201
    read_back = [query["sql"] for query in captured.captured_queries if "visits_visit_policies" in query["sql"]]
    assert not [sql for sql in read_back if sql.lstrip().upper().startswith("SELECT")]
