"""GET /api/v1/tickets/{id}/similar and POST /api/v1/tickets/{id}/merge (issue 5, item 5)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from qiaomen.accounts.roles import Role
from qiaomen.accounts.services import api_token_create
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet, make_household, make_user
from qiaomen.tickets.models import Channel, Status, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create

Headers = Callable[[str], dict[str, str]]
LAMP = "3号楼2单元楼道灯坏了，晚上黑漆漆的"
LAMP_AGAIN = "我们2单元楼道里的灯不亮了，晚上上楼看不见"


def demand(household: Household, text: str) -> Ticket:
    meals = Subcategory.objects.get(code="LIF-MEAL")
    return ticket_create(channel=Channel.STAFF, description=text, subcategory=meals, household=household)


def merge(client: Client, ticket: Ticket, into: Any, headers: dict[str, str]) -> Any:
    return client.post(
        f"/api/v1/tickets/{ticket.pk}/merge", {"into": into}, content_type="application/json", headers=headers
    )


@pytest.fixture
def pair(small_street: SmallStreet) -> tuple[Ticket, Ticket]:
    first = demand(small_street.household_a, LAMP)
    return first, demand(make_household(small_street.building_a, "301"), LAMP_AGAIN)


def test_similar_lists_the_open_duplicate_with_its_likeness(
    client: Client, bearer: Headers, pair: tuple[Ticket, Ticket]
) -> None:
    first, second = pair

    response = client.get(f"/api/v1/tickets/{second.pk}/similar", headers=bearer("worker_a"))

    assert response.status_code == 200, response.content
    [found] = response.json()
    assert found["ticket"]["id"] == first.pk and found["same_building"] is True
    assert 0.35 <= found["similarity"] <= 1


def test_similar_outside_ones_places_is_404(client: Client, bearer: Headers, pair: tuple[Ticket, Ticket]) -> None:
    _, second = pair
    assert client.get(f"/api/v1/tickets/{second.pk}/similar", headers=bearer("worker_b")).status_code == 404


def test_merge_answers_the_merged_ticket(client: Client, bearer: Headers, pair: tuple[Ticket, Ticket]) -> None:
    first, second = pair

    response = merge(client, second, first.pk, bearer("community_staff"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"], body["merged_into"], body["next_deadline"]) == (
        second.pk,
        "merged",
        first.pk,
        None,
    )


def test_merge_refusals_have_their_codes(
    client: Client, bearer: Headers, small_street: SmallStreet, pair: tuple[Ticket, Ticket]
) -> None:
    first, second = pair
    admin = bearer("street_admin")
    assert merge(client, second, first.pk, bearer("worker_a")).status_code == 403
    assert merge(client, second, first.pk, bearer("worker_b")).status_code == 403
    staff_b = make_user("community2", Role.COMMUNITY_STAFF, places=(small_street.community_2,))
    token, _ = api_token_create(user=staff_b, request=None)
    assert merge(client, second, first.pk, {"Authorization": f"Bearer {token}"}).status_code == 404
    assert merge(client, second, 987654321, admin).status_code == 404
    assert merge(client, second, "abc", admin).status_code == 422
    same = merge(client, second, second.pk, admin)
    assert (same.status_code, same.json()["code"]) == (422, "merge_same_ticket")
    assert Ticket.objects.get(pk=second.pk).status == Status.ROUTED

    assert merge(client, second, first.pk, admin).status_code == 200
    again = merge(client, second, first.pk, admin)
    assert (again.status_code, again.json()["code"]) == (409, "merge_not_open")
    into_merged = merge(client, demand(make_household(small_street.building_a, "302"), LAMP), second.pk, admin)
    assert (into_merged.status_code, into_merged.json()["code"]) == (409, "merge_target_not_open")


@pytest.mark.django_db(transaction=True)
def test_two_merges_through_the_api_at_once_make_one_winner(small_street: SmallStreet) -> None:
    first = demand(small_street.household_a, LAMP)
    other = demand(make_household(small_street.building_a, "302"), LAMP)
    second = demand(make_household(small_street.building_a, "301"), LAMP_AGAIN)
    tokens = [
        api_token_create(user=small_street.users[p], request=None)[0] for p in ("street_admin", "community_staff")
    ]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def call(index: int) -> None:
        try:
            client = Client()
            barrier.wait()
            into = (first, other)[index].pk
            statuses.append(merge(client, second, into, {"Authorization": f"Bearer {tokens[index]}"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 409]
    assert Ticket.objects.get(pk=second.pk).events.filter(action="merge").count() == 1
