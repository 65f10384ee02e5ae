"""At the door: the grid worker shows the resident a one-time rating code (R-TIC-6)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.core.errors import Conflict
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Ticket
from qiaomen.tickets.services import ticket_accept, ticket_rate, ticket_resolve
from qiaomen.web.tests.ticket_helpers import make_ticket

pytestmark = pytest.mark.django_db


def _resolved(street: SmallStreet) -> tuple[Ticket, str]:
    handler = street.users["dept_handler"]
    ticket = ticket_accept(ticket=make_ticket(street), user=handler)
    return ticket_resolve(ticket=ticket, user=handler, note="已安排助餐")


def _code_link(content: str) -> str:
    match = re.search(r'href="(https?://[^"]+/r/[^"]+/)"', content)
    assert match, "the page shows the rating link"
    return match.group(1)


def test_the_grid_worker_shows_a_code_the_resident_can_rate_with_once(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    ticket, _ = _resolved(small_street)
    worker = client_as("worker_a")
    detail = worker.get(reverse("web:ticket_detail", args=[ticket.pk])).content.decode()
    assert reverse("web:ticket_rating_link", args=[ticket.pk]) in detail
    page = worker.post(reverse("web:ticket_rating_link", args=[ticket.pk]))
    content = page.content.decode()
    assert page.status_code == 200 and 'src="data:image/svg+xml' in content
    path = _code_link(content).split("://", 1)[1].split("/", 1)[1]
    resident = Client()
    assert resident.post(f"/{path}", {"score": "5"}).status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).rating == 5


def test_one_rating_per_result_whichever_link_is_used(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    ticket, first_token = _resolved(small_street)
    page = client_as("worker_a").post(reverse("web:ticket_rating_link", args=[ticket.pk]))
    second_token = _code_link(page.content.decode()).rstrip("/").rsplit("/", 1)[1]
    ticket_rate(token=second_token, score=4)
    with pytest.raises(Conflict):
        ticket_rate(token=first_token, score=1)
    assert Ticket.objects.get(pk=ticket.pk).rating == 4
    again = client_as("worker_a").post(reverse("web:ticket_rating_link", args=[ticket.pk]))
    assert again.status_code == 409


@pytest.mark.parametrize("persona", ["worker_b", "dept_handler", "building_chief"])
def test_only_the_people_at_the_door_get_a_code(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str
) -> None:
    ticket, _ = _resolved(small_street)
    response = client_as(persona).post(reverse("web:ticket_rating_link", args=[ticket.pk]))
    assert response.status_code in (403, 404)


def test_no_code_before_the_ticket_is_resolved(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    ticket = make_ticket(small_street)
    assert client_as("worker_a").post(reverse("web:ticket_rating_link", args=[ticket.pk])).status_code == 409
