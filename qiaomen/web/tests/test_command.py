"""The command centre (/command/): who may open it, the figures it shows, the records behind
every number, and a number of queries that does not grow with the grids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.tests.targets_street import target_street
from qiaomen.participation.figures import FIGURE_SOURCES
from qiaomen.places.models import Grid
from qiaomen.testing import SmallStreet, make_building, make_household, make_person, make_user

pytestmark = pytest.mark.django_db
__all__ = ["target_street"]
NOVEMBER = {"period": "2026-11"}


@pytest.mark.parametrize("persona", ["street_admin", "community_staff", "supervisor"])
def test_street_community_and_supervisors_open_the_command_centre(
    target_street: SmallStreet, client_as: Callable[[str], Client], persona: str
) -> None:
    response = client_as(persona).get(reverse("web:command"), NOVEMBER)
    assert response.status_code == 200
    assert len(response.context["total"]["cells"]) == 8


@pytest.mark.parametrize("persona", ["worker_a", "dept_handler", "building_chief", "auditor", "system_admin"])
def test_other_roles_are_refused(small_street: SmallStreet, client_as: Callable[[str], Client], persona: str) -> None:
    client = client_as(persona)
    for name in ("web:command", "web:command_records", "web:command_resources", "web:command_target_trends"):
        assert client.get(reverse(name), NOVEMBER).status_code == 403, name


def test_the_page_shows_each_target_with_goal_and_light(
    target_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    response = client_as("street_admin").get(reverse("web:command"), {**NOVEMBER, "level": "grid"})
    cells = {c["code"]: c for c in response.context["total"]["cells"]}
    assert cells["on_spot_rate"]["text"] == "16.7%" and cells["on_spot_rate"]["light"] == "red"
    assert cells["on_spot_rate"]["goal"] == "≥ 60%"
    assert cells["response_avg_hours"]["text"] == "12.0 h" and cells["response_avg_hours"]["goal"] == "≤ 24 h"
    assert cells["special_coverage"]["light"] == "red"
    assert [row["name"] for row in response.context["rows"]] == ["和平一网格", "光明一网格"]
    body = response.content.decode()
    assert "就地解决率" in body and "未达标" in body


def _count_on(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(response.context["page"].paginator.count)


@pytest.mark.parametrize("level", ["community", "grid", "worker", "department"])
def test_every_number_on_the_page_links_to_as_many_records(
    target_street: SmallStreet, client_as: Callable[[str], Client], level: str
) -> None:
    client = client_as("street_admin")
    response = client.get(reverse("web:command"), {**NOVEMBER, "level": level})
    rows = [*response.context["rows"], response.context["total"]]
    checked = 0
    for row in rows:
        for cell in row["cells"]:
            if not cell["url"]:
                assert level == "department" and cell["code"] == "special_coverage"
                continue
            assert _count_on(client, cell["url"]) == cell["denominator"], (row["name"], cell["code"])
            if cell["numerator_url"]:
                assert _count_on(client, cell["numerator_url"]) == int(cell["numerator"]), (row["name"], cell["code"])
            checked += 1
    assert checked >= 7 * len(rows)
    body = response.content.decode()
    assert body.count('href="/command/records/?') >= checked


def test_records_list_tickets_and_households(target_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    client = client_as("street_admin")
    url = reverse("web:command_records")
    tickets = client.get(url, {**NOVEMBER, "target": "on_spot_rate", "level": "total"})
    assert tickets.status_code == 200 and tickets.context["page"].paginator.count == 6
    assert len(tickets.context["counted"]) == 1
    households = client.get(
        url, {**NOVEMBER, "target": "special_coverage", "level": "grid", "key": str(target_street.grid_a.pk)}
    )
    assert [h.pk for h in households.context["page"]] == [target_street.household_a.pk]
    assert households.context["place_name"] == "和平一网格"


@pytest.mark.parametrize(
    "query",
    [
        {"target": "happiness", "level": "total"},
        {"target": "on_spot_rate", "level": "planet"},
        {"target": "on_spot_rate", "level": "grid", "key": "abc"},
        {"target": "on_spot_rate", "level": "grid"},
        {"target": "on_spot_rate", "level": "total", "part": "half"},
        {"target": "special_coverage", "level": "department", "key": "1"},
        {"target": "response_avg_hours", "level": "total", "part": "numerator"},
        {"target": "on_spot_rate", "level": "total", "period": "2026-13"},
    ],
)
def test_bad_drill_downs_say_so(
    small_street: SmallStreet, client_as: Callable[[str], Client], query: dict[str, str]
) -> None:
    response = client_as("street_admin").get(reverse("web:command_records"), {**NOVEMBER, **query})
    assert response.status_code == 422
    assert "指挥中心" in response.content.decode() or "期间" in response.content.decode()


def test_a_bad_period_or_level_is_explained(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    client = client_as("street_admin")
    for query in ({"period": "last week"}, {"from": "2026-11-30", "to": "2026-11-01"}, {"level": "planet"}):
        response = client.get(reverse("web:command"), query)
        assert response.status_code == 422, query


def test_a_custom_period_reads_from_and_to(target_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    response = client_as("street_admin").get(reverse("web:command"), {"from": "2026-11-01", "to": "2026-11-02"})
    assert response.status_code == 200
    assert response.context["period"].label == "2026-11-01..2026-11-02"
    cells = {c["code"]: c for c in response.context["total"]["cells"]}
    assert cells["on_spot_rate"]["denominator"] == 2


def test_trends_draw_twelve_months_from_data_attributes(
    target_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    response = client_as("street_admin").get(reverse("web:command_target_trends"), NOVEMBER, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("data-chart-option=") == 8 and "<script" not in body
    assert len(response.context["charts"]) == 8


def _queries(client: Client) -> dict[str, int]:
    counts = {}
    pages = (
        ("web:command", "grid"),
        ("web:command", "worker"),
        ("web:command_resources", ""),
        ("web:command_target_trends", ""),
    )
    for name, level in pages:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name), {**NOVEMBER, "level": level}).status_code == 200
        counts[f"{name} {level}"] = len(captured)
    return counts


def test_queries_do_not_grow_with_the_grids(target_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    client = client_as("street_admin")
    client.get(reverse("web:command"))  # the session is saved once, after signing in
    before = _queries(client)
    community = target_street.community_2
    for number in range(5):
        grid = Grid.objects.create(community=community, name=f"光明{number + 2}网格", code=f"XF02-1{number}")
        household = make_household(make_building(grid, 10 + number), "101")
        make_person(household, f"赵{number}", tags=("elder_alone",))
        make_user(f"worker_extra{number}", Role.GRID_WORKER, places=(grid,))
    assert _queries(client) == before
    # The targets' ten and the coverage snapshot's look-up, the device alarms waiting for
    # acknowledgement (one), the device figures (three), the plans in force and their checks
    # (two); the participation panel, loaded after, makes each source's own few queries, no more.
    scope = place_scope(target_street.users["street_admin"])
    start, end = dt.datetime(2026, 11, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    per_source = []
    for source in FIGURE_SOURCES:
        with CaptureQueriesContext(connection) as captured:
            source(scope=scope, start=start, end=end)
        per_source.append(len(captured))
    assert max(per_source) <= 5
    assert before["web:command grid"] <= 11 + 1 + 3 + 2
    # Signing the request in: the session, the user, the second factor, the places and their grids.
    assert before["web:command_resources "] <= sum(per_source) + 5
    assert "光明6网格" in client.get(reverse("web:command"), {**NOVEMBER, "level": "grid"}).content.decode()
