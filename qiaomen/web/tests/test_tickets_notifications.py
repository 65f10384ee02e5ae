from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet
from qiaomen.web.tests.ticket_helpers import make_ticket

pytestmark = pytest.mark.django_db


def test_a_new_ticket_notifies_the_department_with_an_unread_count(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    ticket = make_ticket(small_street)
    handler = client_as("dept_handler")
    page = handler.get(reverse("web:notifications"))
    assert [note.ticket_id for note in page.context["page"]] == [ticket.pk]
    assert 'class="badge badge-warn">1<' in page.content.decode()
    assert handler.post(reverse("web:notifications_read")).status_code == 302
    assert 'class="badge badge-warn">1<' not in handler.get(reverse("web:notifications")).content.decode()
