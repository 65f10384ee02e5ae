"""Domain errors answer in the request's language: Simplified Chinese by default, English when
the request asks for it (Accept-Language: en), with the same machine-readable code either way."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db

EMPTY_DEMAND = {"description": "   ", "subcategory": "LIF-MEAL"}


@pytest.mark.parametrize(
    ("language", "message"),
    [(None, "请填写诉求内容"), ("zh-CN,zh;q=0.9", "请填写诉求内容"), ("en", "Please describe the demand.")],
)
def test_an_api_domain_error_in_the_requests_language(
    client: Client,
    small_street: SmallStreet,
    bearer: Callable[[str], dict[str, str]],
    language: str | None,
    message: str,
) -> None:
    headers = bearer("worker_a") | ({"Accept-Language": language} if language else {})
    response = client.post("/api/v1/tickets", EMPTY_DEMAND, content_type="application/json", headers=headers)
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["message"]) == ("description_required", message)


@pytest.mark.parametrize(
    ("language", "message"),
    [(None, "评价链接无效或已过期"), ("en", "This rating link is invalid or has expired.")],
)
def test_a_resident_page_in_the_requests_language(client: Client, db: None, language: str | None, message: str) -> None:
    headers = {"Accept-Language": language} if language else {}
    response = client.get("/r/not-a-token/", headers=headers)
    assert response.status_code == 404
    assert message in response.content.decode()


def test_a_staff_page_shows_a_domain_error_in_english(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    """A ticket someone else accepted meanwhile: the 409 page says so in the request's language."""
    from django.urls import reverse

    from qiaomen.accounts.models import Department
    from qiaomen.accounts.roles import Role
    from qiaomen.testing import make_user
    from qiaomen.tickets.models import Ticket
    from qiaomen.tickets.services import ticket_accept
    from qiaomen.web.tests.ticket_helpers import make_ticket

    ticket = make_ticket(small_street)
    colleague = make_user("dept_minzheng2", Role.DEPARTMENT_HANDLER, department=Department.objects.get(code="minzheng"))
    ticket_accept(ticket=Ticket.objects.get(pk=ticket.pk), user=colleague)
    handler = client_as("dept_handler")
    url = reverse("web:ticket_accept", args=[ticket.pk])
    chinese = handler.post(url)
    english = handler.post(url, headers={"Accept-Language": "en"})
    assert (chinese.status_code, english.status_code) == (409, 409)
    assert "不能执行该操作" in chinese.content.decode()
    assert "this cannot be done" in english.content.decode()


@pytest.mark.parametrize(("language", "english"), [(None, False), ("en", True)])
def test_an_open311_error_in_the_requests_language(
    client: Client, small_street: SmallStreet, language: str | None, english: bool
) -> None:
    headers = {"Accept-Language": language} if language else {}
    response = client.post("/open311/v2/requests.json", {"service_code": "LIF-MEAL"}, headers=headers)
    assert response.status_code == 403
    (error,) = response.json()
    assert error["code"] == 403 and error["description"].startswith("api_key_invalid")
    assert ("The api_key is missing, invalid or revoked." in error["description"]) is english
