"""The ticket page: timeline, and each transition through its form, with 409 when someone acted first."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.accounts.models import Department
from qiaomen.accounts.roles import Role
from qiaomen.testing import SmallStreet, make_user
from qiaomen.tickets.models import Status, Ticket
from qiaomen.tickets.services import ticket_accept, ticket_resolve
from qiaomen.web.tests.ticket_helpers import make_ticket

pytestmark = pytest.mark.django_db


def _post(client: Client, name: str, ticket: Ticket, **data: str) -> int:
    return client.post(reverse(name, args=[ticket.pk]), data).status_code


def test_the_handler_walks_a_ticket_to_resolved_and_the_worker_confirms(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    ticket = make_ticket(small_street)
    handler = client_as("dept_handler")
    page = handler.get(reverse("web:ticket_detail", args=[ticket.pk]))
    assert page.status_code == 200
    assert list(page.context["actions"]) == ["accept", "transfer", "return"]
    # The registry file is not the department's (SECURITY 5): the address, no link to it.
    assert reverse("web:household_detail", args=[small_street.household_a.pk]) not in page.content.decode()
    assert _post(handler, "web:ticket_accept", ticket) == 302
    assert _post(handler, "web:ticket_start", ticket) == 302
    assert _post(handler, "web:ticket_resolve", ticket, note="已安排助餐") == 302
    assert _post(client_as("worker_a"), "web:ticket_confirm", ticket) == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.worker_confirmed_by == small_street.users["worker_a"]
    timeline = [
        entry.event.action
        for entry in client_as("worker_a").get(reverse("web:ticket_detail", args=[ticket.pk])).context["events"]
    ]
    assert timeline == ["create", "accept", "start", "resolve", "confirm"]


def test_accepting_a_ticket_someone_else_took_meanwhile_is_409(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    ticket = make_ticket(small_street)
    colleague = make_user("dept_minzheng2", Role.DEPARTMENT_HANDLER, department=Department.objects.get(code="minzheng"))
    ticket_accept(ticket=Ticket.objects.get(pk=ticket.pk), user=colleague)
    response = client_as("dept_handler").post(reverse("web:ticket_accept", args=[ticket.pk]))
    assert response.status_code == 409
    assert "不能执行该操作" in response.content.decode()


def test_transfer_and_return_need_a_reason(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    ticket = make_ticket(small_street)
    handler = client_as("dept_handler")
    education = Department.objects.get(code="jiaoyu")
    assert _post(handler, "web:ticket_transfer", ticket, department=str(education.pk), reason="") == 422
    assert _post(handler, "web:ticket_return", ticket, reason="") == 422
    assert Ticket.objects.get(pk=ticket.pk).status == Status.ROUTED
    assert _post(handler, "web:ticket_transfer", ticket, department=str(education.pk), reason="属于教育部门") == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.department) == (Status.TRANSFERRED, education)
    # Now 教育's ticket: 民政's handler no longer finds it.
    assert handler.get(reverse("web:ticket_detail", args=[ticket.pk])).status_code == 404


def test_a_returned_ticket_is_resubmitted_by_the_grid_worker(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    ticket = make_ticket(small_street)
    assert _post(client_as("dept_handler"), "web:ticket_return", ticket, reason="请补充门牌号") == 302
    assert _post(client_as("worker_a"), "web:ticket_resubmit", ticket, reason="三单元101") == 302
    assert Ticket.objects.get(pk=ticket.pk).status == Status.ROUTED


def test_another_departments_handler_gets_404(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    ticket = make_ticket(small_street, code="POL-EDU")  # 教育
    handler = client_as("dept_handler")
    assert handler.get(reverse("web:ticket_detail", args=[ticket.pk])).status_code == 404
    assert _post(handler, "web:ticket_accept", ticket) == 404


def test_only_the_grids_worker_confirms(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    ticket = make_ticket(small_street)
    handler = small_street.users["dept_handler"]
    ticket_accept(ticket=ticket, user=handler)
    ticket_resolve(ticket=Ticket.objects.get(pk=ticket.pk), user=handler, note="已办")
    assert _post(client_as("worker_b"), "web:ticket_confirm", ticket) == 404  # not grid B's ticket
    assert _post(client_as("dept_handler"), "web:ticket_confirm", ticket) == 403
    assert Ticket.objects.get(pk=ticket.pk).worker_confirmed_at is None
