"""Staff entry: the keywords suggest a category, the person confirms or changes it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Ticket

pytestmark = pytest.mark.django_db


def test_suggest_then_confirm(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    client = client_as("worker_a")
    data = {"description": "孩子转学需要学位", "household": str(small_street.household_a.pk)}
    suggested = client.post(reverse("web:ticket_new"), {**data, "suggest": "1"})
    assert suggested.status_code == 200
    assert suggested.context["form"]["subcategory"].value() == "POL-EDU"
    assert not Ticket.objects.exists()
    created = client.post(reverse("web:ticket_new"), {**data, "subcategory": "POL-EDU", "create": "1"})
    assert created.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.subcategory.code, ticket.household) == (
        Channel.STAFF,
        "POL-EDU",
        small_street.household_a,
    )


def test_the_person_may_choose_another_category(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    data = {"description": "孩子转学需要学位", "subcategory": "LIF-EDU", "create": "1"}
    assert client_as("worker_a").post(reverse("web:ticket_new"), data).status_code == 302
    assert Ticket.objects.get().subcategory.code == "LIF-EDU"


def test_a_household_outside_the_workers_places_is_404(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    data = {"description": "电梯坏了", "subcategory": "LIF-FAC", "household": str(small_street.household_b.pk)}
    assert client_as("worker_a").post(reverse("web:ticket_new"), data).status_code == 404
    assert not Ticket.objects.exists()


def test_departments_do_not_enter_tickets(client_as: Callable[[str], Client]) -> None:
    assert client_as("dept_handler").get(reverse("web:ticket_new")).status_code == 403
