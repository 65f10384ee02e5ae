"""A resident asks for a menu service from the household's QR page: a ticket for the partner's
handling department, linked back to the entry, within the QR page's rules."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from qiaomen.participation.menu.services import menu_entry_withdraw
from qiaomen.participation.models.menu import MenuEntry, MenuRequest
from qiaomen.participation.tests.menu_fixtures import make_entry, make_partner
from qiaomen.registry.models import DoorCode
from qiaomen.testing import SmallStreet
from qiaomen.tickets.doorcodes.codes import door_code_issue
from qiaomen.tickets.models import Channel, Status, Ticket


@pytest.fixture
def menu(small_street: SmallStreet) -> tuple[DoorCode, str, MenuEntry, MenuEntry]:
    """Household A's code, a street-wide entry (卫健 handles it) and one of community 2's only."""
    s = small_street
    everyone = make_entry(s, make_partner(s, "街道社区卫生服务中心"), "上门理发")
    theirs = make_entry(s, make_partner(s, "光明小学", community=s.community_2, department="jiaoyu"), "课后托管")
    code, token = door_code_issue(household=s.household_a, user=s.users["worker_a"])
    return code, token, everyone, theirs


def _url(token: str) -> str:
    return reverse("public:door_menu", args=[token])


def _ask(client: Client, token: str, entry: MenuEntry, key: uuid.UUID, **extra: str) -> object:
    return client.post(_url(token), {"entry": entry.pk, "submission_id": str(key), **extra})


def test_the_page_lists_the_places_menu_and_nobody(menu: tuple[DoorCode, str, MenuEntry, MenuEntry]) -> None:
    _, token, everyone, theirs = menu
    page = Client().get(_url(token)).content.decode()
    assert everyone.title in page and "街道社区卫生服务中心" in page and everyone.schedule in page
    assert theirs.title not in page  # community 2's partner does not serve household A
    assert "王秀英" not in page and "和平路" not in page and "13812345678" not in page


def test_a_request_becomes_a_ticket_for_the_partners_department(
    small_street: SmallStreet, menu: tuple[DoorCode, str, MenuEntry, MenuEntry]
) -> None:
    code, token, everyone, _ = menu
    key = uuid.uuid4()
    answer = _ask(Client(), token, everyone, key, note="下午在家")
    assert answer.status_code == 302  # type: ignore[attr-defined]
    request = MenuRequest.objects.select_related("ticket__department", "ticket__subcategory").get()
    ticket = request.ticket
    assert request.entry == everyone
    assert (ticket.channel, ticket.status, ticket.department.code) == (Channel.QR, Status.ROUTED, "weijian")
    assert ticket.subcategory.code == "LIF-ERR"  # whose default department is 居委会, not 卫健
    assert (ticket.household, ticket.door_code) == (small_street.household_a, code)
    assert "上门理发" in ticket.description and "下午在家" in ticket.description
    # The same form again (a double tap): the first ticket, nothing more.
    _ask(Client(), token, everyone, key, note="下午在家")
    assert (Ticket.objects.count(), MenuRequest.objects.count()) == (1, 1)


def test_an_entry_off_the_households_menu_changes_nothing(menu: tuple[DoorCode, str, MenuEntry, MenuEntry]) -> None:
    _, token, _, theirs = menu
    answer = _ask(Client(), token, theirs, uuid.uuid4())
    assert answer.status_code == 404  # type: ignore[attr-defined]
    assert not Ticket.objects.exists() and not MenuRequest.objects.exists()


def test_bad_input_is_refused_with_nothing_stored(menu: tuple[DoorCode, str, MenuEntry, MenuEntry]) -> None:
    _, token, everyone, _ = menu
    answer = _ask(Client(), token, everyone, uuid.uuid4(), callback_phone="12345")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert not Ticket.objects.exists()


def test_requests_share_the_qr_pages_limit_per_code(
    settings: Settings, menu: tuple[DoorCode, str, MenuEntry, MenuEntry]
) -> None:
    settings.QR_SUBMITS_PER_CODE_PER_HOUR = 2
    _, token, everyone, _ = menu
    statuses = [_ask(Client(REMOTE_ADDR=f"10.0.0.{i}"), token, everyone, uuid.uuid4()).status_code for i in range(3)]  # type: ignore[attr-defined]
    assert statuses == [302, 302, 429]
    assert MenuRequest.objects.count() == 2


def test_a_withdrawn_entry_can_no_longer_be_asked_for(
    small_street: SmallStreet, menu: tuple[DoorCode, str, MenuEntry, MenuEntry]
) -> None:
    _, token, everyone, _ = menu
    menu_entry_withdraw(user=small_street.users["street_admin"], entry=everyone)
    assert everyone.title not in Client().get(_url(token)).content.decode()
    assert _ask(Client(), token, everyone, uuid.uuid4()).status_code == 404  # type: ignore[attr-defined]
