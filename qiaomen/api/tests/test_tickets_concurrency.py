"""Issue 4, "Must show": 20 simultaneous accepts through the API → one 200 and nineteen 409.

Unlike tickets/tests/test_accept_race.py, which races the service, this goes through everything a
phone client goes through: Bearer authentication, the scoped look-up and the HTTP error mapping,
each request on its own thread and database connection. CI runs it on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from qiaomen.accounts.models import Department
from qiaomen.accounts.roles import Role
from qiaomen.accounts.services import api_token_create
from qiaomen.testing import SmallStreet, make_user
from qiaomen.tickets.models import Channel, Status, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create

HANDLERS = 20


@pytest.mark.django_db(transaction=True)
def test_security_31_twenty_handlers_accepting_at_once_make_one_winner_and_nineteen_409(
    small_street: SmallStreet,
) -> None:
    department = Department.objects.get(code="minzheng")
    handlers = [make_user(f"mz{n:02}", Role.DEPARTMENT_HANDLER, department=department) for n in range(HANDLERS)]
    tokens = [api_token_create(user=h, request=None)[0] for h in handlers]
    ticket = ticket_create(
        channel=Channel.STAFF,
        description="独居老人想申请助餐",
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=small_street.household_a,
    )
    barrier = threading.Barrier(HANDLERS)
    answers: list[tuple[int, str]] = []

    def accept(token: str) -> None:
        try:
            client = Client(raise_request_exception=False)
            barrier.wait()
            response = client.post(f"/api/v1/tickets/{ticket.pk}/accept", headers={"Authorization": f"Bearer {token}"})
            body = response.json()
            answers.append((response.status_code, body["code"] if response.status_code != 200 else body["handler"]))
        finally:
            connection.close()  # each thread opened its own connection; the test's teardown needs it gone

    threads = [threading.Thread(target=accept, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [who for status, who in answers if status == 200]
    assert len(answers) == HANDLERS
    assert len(winners) == 1, answers
    # Losers either saw the ticket already accepted (transition_not_allowed) or lost the claim
    # on the same version (ticket_changed): both are a clear 409, never a 500 or a second winner.
    assert sorted(status for status, _ in answers) == [200] + [409] * (HANDLERS - 1), answers
    assert {code for status, code in answers if status == 409} <= {"ticket_changed", "transition_not_allowed"}
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.handler.username if ticket.handler else None) == (Status.ACCEPTED, winners[0])
    assert ticket.events.filter(action="accept").count() == 1
