"""The work list page (R-VIS-2): a grid's households due now, most urgent first, in walking order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet, make_building, make_household
from qiaomen.visits.models import Outcome
from qiaomen.visits.services import visit_plan
from qiaomen.web.tests.visit_helpers import NOW, pause_visits, record_visit, visits_clock  # noqa: F401

pytestmark = pytest.mark.usefixtures("visits_clock")
WORKLIST = reverse("web:worklist")
# Whatever the number of households: session, user, places, the nav's unread notifications, the work list's own
# (its households, then their buildings with their grid once, not once a household).
QUERIES = 17


def _page(client: Client, query: str = "") -> tuple[int, str]:
    response = client.get(f"{WORKLIST}{query}")
    return response.status_code, response.content.decode()


def _tier(content: str, label: str) -> str:
    """The part of the page from one tier's heading on."""
    return content.split(f'class="tier">{label} <span', 1)[1]


def test_a_grid_worker_sees_their_grid_due_households_by_tier_and_building(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    ordinary = make_household(small_street.building_a, "102")
    status, content = _page(client_as("worker_a"))
    assert status == 200
    assert "和平一网格" in content
    assert small_street.building_a.address in content
    assert reverse("web:visit_new", args=[small_street.household_a.pk]) in content
    assert reverse("web:visit_new", args=[ordinary.pk]) in content
    assert "记录走访" in content and "重点人群" in content
    assert small_street.building_b.address not in content


def test_the_tiers_come_most_urgent_first(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    make_household(small_street.building_a, "102")
    _, content = _page(client_as("worker_a"))
    headings = [part.split("<span", 1)[0].strip() for part in content.split('class="tier">')[1:]]
    assert headings == ["待访·重点人群", "待访"]


def test_buildings_are_numbered_in_walking_order_with_the_total_distance(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    # Grid A's centre is at building 1; building 9 stands about 300 m east of it.
    far = make_building(small_street.grid_a, 9, lat=31.2, lng=121.4 + 3 * 0.00105)
    make_household(far, "101")
    make_household(small_street.building_a, "102")
    _, content = _page(client_as("worker_a"))
    ordinary = _tier(content, "待访")
    assert ordinary.index(small_street.building_a.address) < ordinary.index(far.address)
    assert "步行约 300 米" in content or "步行约 299 米" in content
    assert "从网格中心出发" in content


def test_the_walk_can_start_from_the_workers_position(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    small_street.elder_a.tags.clear()  # one tier only: the walk does not start where another ended
    far = make_building(small_street.grid_a, 9, lat=31.2, lng=121.4 + 3 * 0.00105)
    make_household(far, "101")
    _, content = _page(client_as("worker_a"), f"?lat=31.2&lng={121.4 + 4 * 0.00105}")
    ordinary = _tier(content, "待访")
    assert "从您的位置出发" in content
    assert ordinary.index(far.address) < ordinary.index(small_street.building_a.address)


@pytest.mark.parametrize("query", ["?lat=91&lng=121", "?lat=abc&lng=121", "?lat=nan&lng=121"])
def test_an_impossible_position_is_ignored_and_said(
    client_as: Callable[[str], Client], small_street: SmallStreet, query: str
) -> None:
    status, content = _page(client_as("worker_a"), query)
    assert status == 200
    assert "定位无效" in content and "从网格中心出发" in content


def test_three_times_nobody_at_home_suggests_a_call_or_an_evening_visit(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    for days_ago in (3, 2, 1):
        record_visit(
            small_street, small_street.household_a, outcome=Outcome.NOT_HOME, at=NOW - dt.timedelta(days=days_ago)
        )
    _, content = _page(client_as("worker_a"))
    assert "已连续3次无人在家：建议电话联系或晚间走访" in content
    assert "2026-11-15" in content  # the last attempt, in Asia/Shanghai


def test_a_paused_grid_lists_its_households_for_phone_contact_with_the_reason(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    pause_visits(small_street, small_street.grid_a, ends_on=NOW.date() + dt.timedelta(days=3), reason="台风“海燕”")
    _, content = _page(client_as("worker_a"))
    assert "台风“海燕”" in content
    assert "电话联系" in content
    assert '<span class="stop-number"' not in content  # nobody to walk to


def test_planned_purposes_are_shown_with_the_household(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    visit_plan(
        user=small_street.users["dept_handler"],
        household=small_street.household_a,
        on=NOW.date() + dt.timedelta(days=2),
        purpose="高龄津贴复核",
    )
    _, content = _page(client_as("worker_a"))
    assert "高龄津贴复核" in content


def test_the_list_can_be_printed(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    _, content = _page(client_as("worker_a"))
    assert "data-print" in content and "visits.css" in content
    assert 'class="worklist-actions no-print"' in content


@pytest.mark.parametrize(("query", "expected"), [("?grid={grid_b}", 404), ("?grid=abc", 404), ("?grid=0", 404)])
def test_another_grid_is_not_found_for_a_grid_worker(
    client_as: Callable[[str], Client], small_street: SmallStreet, query: str, expected: int
) -> None:
    status, _ = _page(client_as("worker_a"), query.format(grid_b=small_street.grid_b.pk))
    assert status == expected


@pytest.mark.parametrize("persona", ["building_chief", "dept_handler", "auditor"])
def test_roles_without_work_lists_are_refused(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str
) -> None:
    assert _page(client_as(persona))[0] == 403


def test_street_staff_see_each_grid_with_counts_by_tier_and_open_one(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    make_household(small_street.building_a, "102")
    client = client_as("street_admin")
    status, content = _page(client)
    assert status == 200
    row_a = content.split(f"?grid={small_street.grid_a.pk}", 1)[1].split("</tr>", 1)[0]
    cells = [cell.split(">", 1)[1] for cell in row_a.split("<td")[1:]]
    assert [cell.split("<", 1)[0] for cell in cells] == ["0", "1", "0", "1", "0"]
    assert f"?grid={small_street.grid_b.pk}" in content
    status, content = _page(client, f"?grid={small_street.grid_b.pk}")
    assert status == 200 and small_street.building_b.address in content
    assert "全部网格" in content


def test_a_supervisor_sees_the_list_without_a_record_button(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    status, content = _page(client_as("supervisor"), f"?grid={small_street.grid_a.pk}")
    assert status == 200 and small_street.building_a.address in content
    assert reverse("web:visit_new", args=[small_street.household_a.pk]) not in content


def _add_households(street: SmallStreet, count: int, *, first_building: int) -> None:
    """`count` households, five a building, in a row of buildings north of the centre."""
    for step in range((count + 4) // 5):
        building = make_building(street.grid_a, first_building + step, lat=31.2 + step * 0.001, lng=121.4)
        for room in range(min(5, count - step * 5)):
            make_household(building, f"{room + 1}01")


def test_the_number_of_queries_does_not_grow_with_the_households(
    client_as: Callable[[str], Client], small_street: SmallStreet, django_assert_max_num_queries: Callable
) -> None:
    client = client_as("worker_a")
    _add_households(small_street, 2, first_building=10)
    _page(client)  # the first request of a session writes the session once
    with django_assert_max_num_queries(QUERIES):
        status, content = _page(client)
    assert status == 200 and content.count(">记录走访</a>") == 3
    _add_households(small_street, 27, first_building=20)
    with django_assert_max_num_queries(QUERIES):
        status, content = _page(client)
    assert status == 200 and content.count(">记录走访</a>") == 30
