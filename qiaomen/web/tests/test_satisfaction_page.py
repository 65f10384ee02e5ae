"""The satisfaction page: who may open it, what each reader sees, and a bad period."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiaomen.accounts.roles import Role
from qiaomen.analytics.tests.satisfaction_data import rated_tickets_make
from qiaomen.testing import SmallStreet, make_user
from qiaomen.tickets.models import Channel

pytestmark = pytest.mark.django_db
URL = reverse("web:command_satisfaction")
TODAY = dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def ratings(small_street: SmallStreet) -> SmallStreet:
    """Grid A: 40 slow tickets (60 % satisfied) and 60 fast ones (50 satisfied); grid B: 10 visits."""
    handler = small_street.users["dept_handler"]
    rated_tickets_make(grid=small_street.grid_a, rated=40, satisfied=24, accepted_after_hours=30, resolver=handler)
    rated_tickets_make(grid=small_street.grid_a, rated=60, satisfied=50, accepted_after_hours=1, resolver=handler)
    rated_tickets_make(
        grid=small_street.grid_b, rated=10, satisfied=9, channel=Channel.VISIT, accepted_after_hours=None
    )
    return small_street


def test_the_street_admin_sees_scores_effects_suggestions_and_sources(
    ratings: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    response = client_as("street_admin").get(URL, {"period": "2026-11"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "响应超过24小时的工单满意率为 60%，比24小时内受理的工单（83%）低 23 个百分点" in page
    grids = {row["name"]: row for row in response.context["levels"][0]["rows"]}
    assert set(grids) == {"和平一网格", "光明一网格"}
    assert (grids["和平一网格"]["rated"], grids["和平一网格"]["raw"]) == (100, "74.0%")
    assert response.context["proactive"]["total"]["visit"] == 10
    assert response.context["proactive"]["total"]["total"] == 110
    chart = json.loads(page.split('id="satisfaction-grid-chart" type="application/json">')[1].split("</script>")[0])
    assert chart["xAxis"]["data"] == [unit.name for unit in response.context["model"].levels["grid"].units]
    assert 'data-chart="satisfaction-sources-chart"' in page and "echarts.min.js" in page


def test_community_staff_see_their_community_only(ratings: SmallStreet, client_as: Callable[[str], Client]) -> None:
    response = client_as("community_staff").get(URL, {"period": "2026-11"})
    assert response.status_code == 200
    assert [row["name"] for row in response.context["levels"][0]["rows"]] == ["和平一网格"]
    assert "光明" not in response.content.decode()
    assert response.context["proactive"]["total"]["total"] == 100


def test_the_supervisor_reads_the_street(ratings: SmallStreet, client_as: Callable[[str], Client]) -> None:
    response = client_as("supervisor").get(URL, {"period": "2026Q4"})
    assert response.status_code == 200
    assert response.context["model"].rated == 110


@pytest.mark.parametrize("persona", ["dept_handler", "worker_a", "building_chief", "auditor", "system_admin"])
def test_other_roles_are_refused(ratings: SmallStreet, client_as: Callable[[str], Client], persona: str) -> None:
    assert client_as(persona).get(URL, {"period": "2026-11"}).status_code == 403


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client: Client) -> None:
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("period", ["2026-13", "last year", "2026-05-31..2026-03-01", "2020-01-01..2026-01-01"])
def test_a_bad_period_is_a_clear_error(client_as: Callable[[str], Client], period: str) -> None:
    response = client_as("street_admin").get(URL, {"period": period})
    assert response.status_code == 422
    assert "期间格式不正确" in response.content.decode()
    assert "model" not in response.context


def test_without_a_period_the_page_shows_the_last_twelve_months(
    ratings: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    client = client_as("street_admin")
    with time_machine.travel(TODAY, tick=False):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.context["period"].label == "2026-01-01..2026-12-06"
    assert response.context["model"].rated == 110


def test_too_few_ratings_give_no_suggestion(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    rated_tickets_make(grid=small_street.grid_a, rated=5, satisfied=0, accepted_after_hours=30)
    rated_tickets_make(grid=small_street.grid_a, rated=5, satisfied=5, accepted_after_hours=1)
    response = client_as("street_admin").get(URL, {"period": "2026-11"})
    assert response.status_code == 200
    assert response.context["suggestions"] == []
    assert "本期评价数据不足以支持任何建议" in response.content.decode()


def test_the_page_asks_the_database_a_fixed_number_of_questions(
    ratings: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    """Counts come from GROUP BY queries, so more tickets and workers add no query."""
    client = client_as("street_admin")
    client.get(URL, {"period": "2026-11"})  # the session is saved on the first page
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"period": "2026-11"})
    rated_tickets_make(grid=ratings.grid_b, rated=50, satisfied=40, resolver=make_user("another", Role.STREET_ADMIN))
    with CaptureQueriesContext(connection) as more:
        client.get(URL, {"period": "2026-11"})
    assert len(more) == len(few) <= 15
