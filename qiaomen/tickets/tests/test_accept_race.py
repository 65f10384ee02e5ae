"""SECURITY 31: of 20 people accepting one ticket at once, exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from qiaomen.accounts.models import Department
from qiaomen.accounts.roles import Role
from qiaomen.core.errors import Conflict
from qiaomen.testing import SmallStreet, make_user
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services import ticket_accept, ticket_create


@pytest.mark.django_db(transaction=True)
def test_security_31_twenty_simultaneous_accepts_make_one_winner(small_street: SmallStreet) -> None:
    department = Department.objects.get(code="minzheng")
    handlers = [make_user(f"mz{n}", Role.DEPARTMENT_HANDLER, department=department) for n in range(20)]
    ticket = ticket_create(
        channel=Channel.STAFF,
        description="助餐",
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=small_street.household_a,
    )
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def accept(user_index: int) -> None:
        try:
            copy = Ticket.objects.get(pk=ticket.pk)
            barrier.wait()
            ticket_accept(ticket=copy, user=handlers[user_index])
            outcomes.append("won")
        except Conflict:
            outcomes.append("409")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["409"] * 19 + ["won"]
    assert Ticket.objects.get(pk=ticket.pk).events.filter(action="accept").count() == 1
