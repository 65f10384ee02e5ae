"""The resident's rating page at /r/<token>/: no login, one use, a low rating reopens."""

from __future__ import annotations

import pytest
from django.test import Client

from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import SpotCheck, Status, Ticket
from qiaomen.tickets.services import ticket_accept, ticket_resolve
from qiaomen.web.tests.ticket_helpers import make_ticket

pytestmark = pytest.mark.django_db


def _resolved(street: SmallStreet) -> tuple[Ticket, str]:
    ticket = make_ticket(street)
    handler = street.users["dept_handler"]
    ticket = ticket_accept(ticket=ticket, user=handler)
    return ticket_resolve(ticket=ticket, user=handler, note="已安排助餐")


def test_a_good_token_shows_the_form_and_takes_one_rating(small_street: SmallStreet, client: Client) -> None:
    ticket, token = _resolved(small_street)
    page = client.get(f"/r/{token}/")
    assert page.status_code == 200
    assert "请为本次服务评分" in page.content.decode()
    assert small_street.building_a.address not in page.content.decode()
    assert client.post(f"/r/{token}/", {"score": "5", "comment": "很好"}).status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).rating == 5
    reused = client.post(f"/r/{token}/", {"score": "1"})
    assert reused.status_code == 409
    assert "已经评价" in reused.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).rating == 5


def test_a_bad_token_is_a_chinese_404(client: Client, db: None) -> None:
    response = client.get("/r/not-a-token/")
    assert response.status_code == 404
    assert "评价链接无效或已过期" in response.content.decode()


def test_a_rating_of_2_reopens_the_ticket_for_a_spot_check(small_street: SmallStreet, client: Client) -> None:
    ticket, token = _resolved(small_street)
    assert client.post(f"/r/{token}/", {"score": "2", "comment": "没人来"}).status_code == 200
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count) == (Status.REOPENED, 1)
    assert SpotCheck.objects.get(ticket=ticket).reason == "low_rating"


def test_no_score_is_refused_and_changes_nothing(small_street: SmallStreet, client: Client) -> None:
    ticket, token = _resolved(small_street)
    assert client.post(f"/r/{token}/", {"comment": "?"}).status_code == 422
    assert Ticket.objects.get(pk=ticket.pk).rating is None


def test_too_many_requests_from_one_address_get_429(client: Client, db: None, settings: object) -> None:
    settings.PUBLIC_RATE_LIMIT_PER_MINUTE = 3  # type: ignore[attr-defined]
    answers = [client.get("/r/guess/").status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]
