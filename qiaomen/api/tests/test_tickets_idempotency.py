"""A retried ticket POST creates one ticket (issue 12, hole 6): the `Idempotency-Key` header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from qiaomen.core.models import AuditEntry
from qiaomen.testing import SmallStreet, at_once
from qiaomen.tickets.models import Ticket

Headers = Callable[[str], dict[str, str]]
TICKETS = "/api/v1/tickets"
KEY = "5f0c2b1e-8d7a-4c3b-9e21-0a6f4d2c7b19"


def body(s: SmallStreet, **changes: Any) -> dict[str, Any]:
    return {"description": "独居老人想申请助餐", "subcategory": "LIF-MEAL", "household_id": s.household_a.pk, **changes}


def send(client: Client, headers: dict[str, str], payload: dict[str, Any], key: str | None = KEY) -> Any:
    extra = {"Idempotency-Key": key} if key is not None else {}
    return client.post(TICKETS, payload, content_type="application/json", headers={**headers, **extra})


def test_hole_6_a_retry_with_the_same_key_answers_the_first_ticket_and_creates_nothing(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    first = send(client, bearer("worker_a"), body(small_street))
    # The phone lost the answer and retries, with a fresh token after signing in again.
    retry = send(client, bearer("worker_a"), body(small_street))

    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert Ticket.objects.count() == 1
    assert AuditEntry.objects.filter(action="ticket.create").count() == 1


@pytest.mark.parametrize(
    "changes",
    [{"description": "另一件事：楼道灯坏了"}, {"subcategory": "LIF-ERR"}, {"priority": "P1"}, {"household_id": None}],
)
def test_hole_6_the_same_key_for_a_different_ticket_answers_409_and_changes_nothing(
    client: Client, small_street: SmallStreet, bearer: Headers, changes: dict[str, Any]
) -> None:
    headers = bearer("worker_a")
    first = send(client, headers, body(small_street))

    response = send(client, headers, body(small_street, **changes))

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert list(Ticket.objects.values_list("pk", flat=True)) == [first.json()["id"]]


def test_hole_6_keys_belong_to_their_user(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    mine = send(client, bearer("worker_a"), body(small_street))
    # Another user who happens to pick the same key makes their own ticket and sees none of mine.
    theirs = send(client, bearer("community_staff"), body(small_street))

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert Ticket.objects.count() == 2


def test_hole_6_without_a_key_every_post_is_a_new_ticket(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    headers = bearer("worker_a")

    assert send(client, headers, body(small_street), key=None).status_code == 201
    assert send(client, headers, body(small_street), key=None).status_code == 201
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 65, "含中文", "a b"])
def test_hole_6_a_malformed_key_is_refused_with_422(
    client: Client, small_street: SmallStreet, bearer: Headers, key: str
) -> None:
    response = send(client, bearer("worker_a"), body(small_street), key=key)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert Ticket.objects.count() == 0


def test_hole_6_the_schema_declares_the_key_and_the_409(client: Client, small_street: SmallStreet) -> None:
    operation = client.get("/api/v1/openapi.json").json()["paths"][TICKETS]["post"]

    [header] = [p for p in operation["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key" and not header.get("required", False)
    assert "409" in operation["responses"]


@pytest.mark.django_db(transaction=True)
def test_security_29_ten_simultaneous_copies_of_a_ticket_post_make_one_ticket_and_one_answer(
    small_street: SmallStreet, bearer: Headers
) -> None:
    copies = 10
    # Each copy from its own session (client and token), as a phone's retries would be.
    headers = [bearer("worker_a") for _ in range(copies)]

    def post(index: int) -> tuple[int, bytes]:
        response = send(Client(), headers[index], body(small_street))
        return response.status_code, response.content

    answers = at_once(copies, post)

    assert [status for status, _ in answers] == [201] * copies, answers
    assert len({content for _, content in answers}) == 1
    assert Ticket.objects.count() == 1
    assert Ticket.objects.get().client_key == KEY
