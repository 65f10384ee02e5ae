"""The coverage page (R-VIS-6): figures of a tiny street checked by hand, within the user's places."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet, make_household
from qiaomen.visits.models import Outcome
from qiaomen.web.tests.visit_helpers import pause_visits, record_visit, visits_clock  # noqa: F401

pytestmark = pytest.mark.usefixtures("visits_clock")
COVERAGE = reverse("web:coverage")


def _on(day: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, 2, tzinfo=dt.UTC)


@pytest.fixture
def street(small_street: SmallStreet) -> dict[str, Household]:
    """Grid A: household_a (special, met on 3 November), a1 (refused on 5 November), a2 (never
    visited). Grid B: household_b (registration mismatch on 7 November)."""
    a1 = make_household(small_street.building_a, "102")
    a2 = make_household(small_street.building_a, "103")
    record_visit(small_street, small_street.household_a, at=_on(3))
    record_visit(small_street, a1, outcome=Outcome.REFUSED, at=_on(5))
    record_visit(small_street, small_street.household_b, outcome=Outcome.MISMATCH, at=_on(7), worker="worker_b")
    return {"a1": a1, "a2": a2}


def _row(content: str, name: str) -> list[str]:
    """The cells of the table row headed `name`, as text."""
    rows = [row.split("</tr>", 1)[0] for row in content.split('<th scope="row"')[1:]]
    row = next(row for row in rows if f">{name}</" in row[: row.index("</th>") + len("</th>")])
    return [re.sub(r"<[^>]+>", "", cell.split(">", 1)[1]).strip() for cell in row.split("<td")[1:]]


def test_a_community_sees_its_figures_checked_by_hand(
    client_as: Callable[[str], Client], small_street: SmallStreet, street: dict[str, Household]
) -> None:
    content = client_as("community_staff").get(COVERAGE).content.decode()
    assert "走访覆盖率 · 2026-11" in content
    # households, covered, rate, special covered / special households, special rate, refused, paused
    assert _row(content, "和平一网格") == ["3", "1", "33.3 %", "1 / 1", "100.0 %", "1", "0"]
    assert _row(content, "和平社区") == _row(content, "和平一网格")
    assert "光明一网格" not in content


def test_the_street_sees_every_grid_and_the_total(
    client_as: Callable[[str], Client], small_street: SmallStreet, street: dict[str, Household]
) -> None:
    content = client_as("street_admin").get(COVERAGE).content.decode()
    assert _row(content, "合计") == ["4", "2", "50.0 %", "1 / 1", "100.0 %", "1", "0"]
    assert _row(content, "光明一网格") == ["1", "1", "100.0 %", "0 / 0", "—", "0", "0"]


def test_households_never_visited_are_listed_with_links(
    client_as: Callable[[str], Client], small_street: SmallStreet, street: dict[str, Household]
) -> None:
    content = client_as("community_staff").get(COVERAGE).content.decode()
    never = content.split("从未走访", 1)[1].split("</details>", 1)[0]
    assert '<span class="count">1</span>' in never
    assert reverse("web:household_detail", args=[street["a2"].pk]) in never
    special = content.split("本月未走访的重点人群户", 1)[1].split("</details>", 1)[0]
    assert '<span class="count">0</span>' in special


def test_a_special_household_not_visited_this_month_is_listed(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    record_visit(small_street, small_street.household_a, at=_on(20, month=10))
    content = client_as("worker_a").get(COVERAGE).content.decode()
    special = content.split("本月未走访的重点人群户", 1)[1].split("</details>", 1)[0]
    assert reverse("web:household_detail", args=[small_street.household_a.pk]) in special


def test_a_paused_grid_says_so_instead_of_failing(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    pause_visits(small_street, small_street.community_2, starts_on=dt.date(2026, 11, 10), ends_on=dt.date(2026, 11, 20))
    content = client_as("street_admin").get(COVERAGE).content.decode()
    assert _row(content, "光明一网格") == ["1", "0", "暂停走访", "0 / 0", "—", "0", "暂停走访 1 户"]


@pytest.mark.parametrize(
    ("period", "title", "covered"),
    [("2026-10", "2026-10", "0"), ("2026-Q4", "2026-Q4", "1"), ("2026-q4", "2026-Q4", "1")],
)
def test_a_month_or_a_quarter_can_be_chosen(
    client_as: Callable[[str], Client],
    small_street: SmallStreet,
    street: dict[str, Household],
    period: str,
    title: str,
    covered: str,
) -> None:
    content = client_as("community_staff").get(COVERAGE, {"period": period}).content.decode()
    assert f"走访覆盖率 · {title}" in content
    assert _row(content, "和平一网格")[1] == covered


@pytest.mark.parametrize("period", ["2026-13", "abc", "2026", "2026-Q5", "<script>"])
def test_a_period_that_does_not_exist_is_a_clear_400(
    client_as: Callable[[str], Client], small_street: SmallStreet, period: str
) -> None:
    response = client_as("community_staff").get(COVERAGE, {"period": period})
    content = response.content.decode()
    assert response.status_code == 400
    assert "不是有效的统计周期：月份请写成 2026-11，季度请写成 2026-Q4。" in content
    assert "<script>" not in content.split("<main", 1)[1]


def test_the_period_links_name_this_and_the_last_month_and_quarter(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    content = client_as("worker_a").get(COVERAGE).content.decode()
    for label in ("?period=2026-11", "?period=2026-Q4", "?period=2026-10", "?period=2026-Q3"):
        assert label in content


@pytest.mark.parametrize(("persona", "expected"), [("dept_handler", 403), ("auditor", 403), ("building_chief", 403)])
def test_roles_without_coverage_are_refused(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str, expected: int
) -> None:
    assert client_as(persona).get(COVERAGE).status_code == expected
