"""The review queue and the correction form: only the place's community staff and street admins
see a held demand and decide it; the page's queries do not grow with the queue."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import Settings

from qiaomen.accounts.roles import Role
from qiaomen.testing import SmallStreet, make_user, sign_in
from qiaomen.tickets.models import Channel, ClassificationCorrection, Status, Ticket
from qiaomen.tickets.services.intake import ticket_from_text

pytestmark = pytest.mark.django_db

REVIEW = reverse("web:ticket_review")
TEXT_A = "想跟社区反映个事 <b>楼下</b> 那个情况"
EMERGENCY = "隔壁王奶奶三天没开门了 敲门也没人应"


@pytest.fixture
def held(settings: Settings, small_street: SmallStreet) -> Ticket:
    """A demand of grid A the classifier was unsure of (every one is, with the threshold above 1)."""
    settings.CLASSIFIER_MIN_CONFIDENCE = 1.01
    return ticket_from_text(channel=Channel.QR, description=TEXT_A, household=small_street.household_a)


@pytest.fixture
def signed_in(client: Client, small_street: SmallStreet) -> Callable[[str], Client]:
    def as_persona(persona: str) -> Client:
        return sign_in(client, small_street.users[persona])

    return as_persona


def test_community_staff_and_the_street_admin_see_their_places_held_demands(
    held: Ticket, signed_in: Callable[[str], Client]
) -> None:
    for persona in ("community_staff", "street_admin"):
        response = signed_in(persona).get(REVIEW)
        assert response.status_code == 200
        content = response.content.decode()
        assert f"#{held.pk}" in content and "&lt;b&gt;楼下&lt;/b&gt;" in content and "<b>楼下</b>" not in content
        assert held.suggestion["code"] in content


@pytest.mark.parametrize("persona", ["worker_a", "worker_b", "dept_handler", "supervisor", "auditor"])
def test_others_may_not_open_the_queue(held: Ticket, signed_in: Callable[[str], Client], persona: str) -> None:
    assert signed_in(persona).get(REVIEW).status_code == 403


def test_staff_of_another_community_neither_see_nor_decide_grid_as_demands(
    held: Ticket, client: Client, small_street: SmallStreet
) -> None:
    client.force_login(make_user("community2", Role.COMMUNITY_STAFF, places=(small_street.community_2,)))
    assert reverse("web:ticket_classify", args=[held.pk]) not in client.get(REVIEW).content.decode()
    url = reverse("web:ticket_classify", args=[held.pk])
    assert client.post(url, {f"t{held.pk}-subcategory": "LIF-MEAL", f"t{held.pk}-priority": "P2"}).status_code == 404
    held.refresh_from_db()
    assert held.status == Status.NEW and not ClassificationCorrection.objects.exists()


def test_confirming_from_the_queue_routes_keeps_the_decision_and_returns_to_the_queue(
    held: Ticket, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("community_staff")
    data = {f"t{held.pk}-subcategory": "MED-NEI", f"t{held.pk}-priority": "P2", "back": "review"}
    response = client.post(reverse("web:ticket_classify", args=[held.pk]), data)
    assert (response.status_code, response["Location"]) == (302, REVIEW)
    held.refresh_from_db()
    assert (held.status, held.subcategory.code, held.department.code) == (Status.ROUTED, "MED-NEI", "juweihui")
    assert ClassificationCorrection.objects.get().subcategory.code == "MED-NEI"
    assert reverse("web:ticket_classify", args=[held.pk]) not in client.get(REVIEW).content.decode()


def test_a_forged_choice_is_refused_and_changes_nothing(held: Ticket, signed_in: Callable[[str], Client]) -> None:
    data = {f"t{held.pk}-subcategory": "XXX-NONE", f"t{held.pk}-priority": "P9"}
    response = signed_in("community_staff").post(reverse("web:ticket_classify", args=[held.pk]), data)
    assert response.status_code in (400, 422)
    assert "请选择有效的诉求分类和优先级" in response.content.decode()
    held.refresh_from_db()
    assert held.status == Status.NEW and not ClassificationCorrection.objects.exists()


def test_the_ticket_page_shows_the_suggestion_and_the_form_only_to_those_who_decide(
    small_street: SmallStreet, signed_in: Callable[[str], Client]
) -> None:
    ticket = ticket_from_text(channel=Channel.QR, description=EMERGENCY, household=small_street.household_a)
    detail = reverse("web:ticket_detail", args=[ticket.pk])
    staff_page = signed_in("community_staff").get(detail).content.decode()
    assert "紧急信号" in staff_page and ticket.suggestion["emergency"][0] in staff_page
    assert reverse("web:ticket_classify", args=[ticket.pk]) in staff_page
    worker_page = signed_in("worker_a").get(detail).content.decode()
    assert "紧急信号" in worker_page and reverse("web:ticket_classify", args=[ticket.pk]) not in worker_page


def test_the_queue_pages_queries_do_not_grow_with_the_queue(
    held: Ticket, small_street: SmallStreet, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("community_staff")
    client.get(REVIEW)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(REVIEW).status_code == 200
        return len(captured)

    few = queries()
    for number in range(6):
        ticket_from_text(channel=Channel.QR, description=f"{TEXT_A}{number}", household=small_street.household_a)
    assert queries() == few


def test_the_departments_inbox_shows_the_suggestion_and_an_emergency_badge(
    small_street: SmallStreet, signed_in: Callable[[str], Client]
) -> None:
    meal = ticket_from_text(
        channel=Channel.QR,
        description="我妈腿脚不好 想申请社区的老年助餐 每天送个饭",
        household=small_street.household_a,
    )
    assert (meal.status, meal.department.code) == (Status.ROUTED, "minzheng")
    content = signed_in("dept_handler").get(reverse("web:ticket_inbox")).content.decode()
    assert f"自动分类: LIF-MEAL {round(meal.suggestion['confidence'] * 100)}%" in content
    ticket_from_text(channel=Channel.QR, description=EMERGENCY, household=small_street.household_a)
    content = signed_in("worker_a").get(reverse("web:ticket_inbox")).content.decode()
    assert "紧急" in content and "自动分类: EMG-HEALTH" in content
