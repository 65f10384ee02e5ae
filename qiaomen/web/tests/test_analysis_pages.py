"""The analysis pages: who may open them, the numbers they show, within the user's places, and the
accuracy include that never shows a figure the back-test did not measure."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from qiaomen.analytics.forecast import forecast_refresh
from qiaomen.analytics.models import ForecastRun
from qiaomen.analytics.tests.demand_helpers import demand
from qiaomen.testing import SmallStreet, make_household
from qiaomen.web.templatetags.analysis_tags import percent

pytestmark = pytest.mark.django_db
UTC = dt.UTC
TODAY = dt.datetime(2026, 12, 6, 2, tzinfo=UTC)
ALLOWED = ["street_admin", "community_staff", "supervisor"]
REFUSED = ["worker_a", "dept_handler", "building_chief", "auditor", "system_admin", "security_admin"]
PAGES = ["web:command_trends", "web:command_forecast"]


@pytest.fixture
def demands(small_street: SmallStreet) -> SmallStreet:
    """Meals: 1 in October, 3 in November (2 in grid A, 1 in grid B); rubbish in grid B: 2 and 2;
    home doctor in grid A in November, 10 days after its meals. One demand a month May–September
    keeps the forecast's history long enough to back-test. In August two more households of grid
    A: one asks for meals and a home doctor, one for rubbish collection."""
    s, b = small_street, small_street.household_b
    for month in range(5, 10):
        demand(s, "LIF-MEAL", dt.datetime(2026, month, 3, 2, tzinfo=UTC))
        demand(s, "LIF-ENV", dt.datetime(2026, month, 4, 2, tzinfo=UTC), b)
    demand(s, "LIF-MEAL", dt.datetime(2026, 10, 2, 2, tzinfo=UTC))
    demand(s, "LIF-ENV", dt.datetime(2026, 10, 5, 2, tzinfo=UTC), b)
    demand(s, "LIF-ENV", dt.datetime(2026, 10, 6, 2, tzinfo=UTC), b)
    demand(s, "LIF-MEAL", dt.datetime(2026, 11, 2, 2, tzinfo=UTC))
    demand(s, "LIF-MEAL", dt.datetime(2026, 11, 3, 2, tzinfo=UTC))
    demand(s, "LIF-MED", dt.datetime(2026, 11, 12, 2, tzinfo=UTC))
    demand(s, "LIF-MEAL", dt.datetime(2026, 11, 11, 2, tzinfo=UTC), b)
    demand(s, "LIF-ENV", dt.datetime(2026, 11, 13, 2, tzinfo=UTC), b)
    demand(s, "LIF-ENV", dt.datetime(2026, 11, 14, 2, tzinfo=UTC), b)
    second, third = make_household(s.building_a, "102"), make_household(s.building_a, "103")
    demand(s, "LIF-MEAL", dt.datetime(2026, 8, 3, 2, tzinfo=UTC), second)
    demand(s, "LIF-MED", dt.datetime(2026, 8, 20, 2, tzinfo=UTC), second)
    demand(s, "LIF-ENV", dt.datetime(2026, 8, 5, 2, tzinfo=UTC), third)
    return s


@pytest.mark.parametrize("persona", REFUSED)
@pytest.mark.parametrize("page", PAGES)
def test_other_roles_are_refused(client_as: Callable[[str], Client], persona: str, page: str) -> None:
    assert client_as(persona).get(reverse(page)).status_code == 403


@pytest.mark.parametrize("persona", ALLOWED)
@pytest.mark.parametrize("page", PAGES)
def test_command_roles_open_the_pages(client_as: Callable[[str], Client], persona: str, page: str) -> None:
    assert client_as(persona).get(reverse(page)).status_code == 200


def _row(html: str, attribute: str) -> list[str]:
    """The cells of the table row marked with `attribute`, tags stripped."""
    match = re.search(rf"<tr {re.escape(attribute)}>(.*?)</tr>", html, re.S)
    assert match, f"no row {attribute}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match[1], re.S)]


def _chart(html: str, element_id: str) -> Any:
    """The ECharts option the page hands to charts.js in its json_script element."""
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no chart {element_id}"
    return json.loads(found[1])


def test_trends_show_counts_change_and_pairs(client_as: Callable[[str], Client], demands: SmallStreet) -> None:
    with time_machine.travel(TODAY, tick=False):
        html = (
            client_as("street_admin")
            .get(reverse("web:command_trends"), {"period": "2026-11", "min_support": "0"})
            .content.decode()
        )
    assert _row(html, 'data-trend="LIF-MEAL"')[2:] == ["3", "1", "+2", "+200 %"]
    assert _row(html, 'data-trend="LIF-ENV"')[2:] == ["2", "2", "0", "0 %"]
    assert _row(html, 'data-trend="LIF-MED"')[2:] == ["1", "0", "+1", "—"]
    # Dec 2025 – Nov 2026, four households: A and 102 asked for meals and a home doctor within 90
    # days, B for meals and rubbish, 103 for rubbish. n(meals) = 3, n(doctor) = 2, n(meals, doctor)
    # = 2: support 2/4, confidence 2/3 and 2/2, lift 2·4/(3·2).
    assert _row(html, 'data-pair="LIF-MEAL+LIF-MED"')[2:] == ["2", "50.0 %", "66.7 %", "100.0 %", "1.33"]
    chart = _chart(html, "trend-chart")
    assert chart["series"][0]["name"] == "老年助餐" and chart["series"][0]["data"][-2:] == [1, 3]


def test_trends_are_scoped_to_the_users_places(client_as: Callable[[str], Client], demands: SmallStreet) -> None:
    html = (
        client_as("community_staff")
        .get(reverse("web:command_trends"), {"period": "2026-11", "min_support": "0"})
        .content.decode()
    )
    assert _row(html, 'data-trend="LIF-MEAL"')[2:4] == ["2", "1"]
    assert 'data-trend="LIF-ENV"' not in html  # grid B's rubbish is not theirs


def test_a_bad_period_is_explained_and_shows_nothing(client_as: Callable[[str], Client], demands: SmallStreet) -> None:
    response = client_as("street_admin").get(reverse("web:command_trends"), {"period": "2026-13", "min_support": "0"})
    html = response.content.decode()
    assert response.status_code == 422 and "data-trend" not in html
    assert "不是有效的期间" in html


def test_the_forecast_page_without_a_run_shows_no_number(
    client_as: Callable[[str], Client], demands: SmallStreet
) -> None:
    html = client_as("street_admin").get(reverse("web:command_forecast")).content.decode()
    assert 'data-accuracy="none"' in html and 'data-accuracy="model"' not in html
    section = re.search(r'<section class="card forecast-accuracy".*?</section>', html, re.S)
    assert section and "%" not in section[0]


def test_the_forecast_page_shows_both_accuracies_and_the_grids(
    client_as: Callable[[str], Client], demands: SmallStreet
) -> None:
    with time_machine.travel(TODAY, tick=False):
        run = forecast_refresh()
        html = client_as("street_admin").get(reverse("web:command_forecast")).content.decode()
    assert run.measured
    assert f'data-accuracy="model">{percent(run.model_accuracy)}<' in html
    assert f'data-accuracy="baseline">{percent(run.baseline_accuracy)}<' in html
    assert "2027-01" in html and demands.grid_a.name in html and demands.grid_b.name in html
    chart = _chart(html, "forecast-chart")
    actual, predicted = chart["series"][0]["data"], chart["series"][1]["data"]
    assert actual[-4:-2] == [3, 6] and actual[-2:] == [None, None]  # October, November; January not yet
    assert predicted[-1] is not None and predicted[-2] is None  # nothing predicted for December


def test_the_forecast_table_is_scoped(client_as: Callable[[str], Client], demands: SmallStreet) -> None:
    with time_machine.travel(TODAY, tick=False):
        forecast_refresh()
        html = client_as("community_staff").get(reverse("web:command_forecast")).content.decode()
    assert demands.grid_a.name in html and demands.grid_b.name not in html


@pytest.mark.parametrize(
    "run",
    [
        None,
        ForecastRun(
            made_at=TODAY,
            horizon=dt.date(2027, 1, 1),
            model_name="",
            baseline_name="",
            folds=0,
            series=0,
            history_months=2,
            seconds=0.1,
        ),
    ],
    ids=["no run", "too little history"],
)
def test_the_accuracy_include_shows_no_unmeasured_number(run: ForecastRun | None) -> None:
    html = render_to_string("web/analysis/forecast_accuracy.html", {"run": run})
    assert 'data-accuracy="none"' in html
    assert not re.search(r"\d", re.sub(r"<[^>]+>", "", html))  # not a single digit


def test_health_and_disability_groups_need_the_sensitive_permission(
    client_as: Callable[[str], Client], demands: SmallStreet
) -> None:
    """A supervisor may not count the households of people with a disability (SECURITY line 7)."""
    query = {"period": "2026-11", "min_support": "0", "tag": "disabled"}
    refused = client_as("supervisor").get(reverse("web:command_trends"), query).content.decode()
    assert "残障人士" not in refused and "data-trend" not in refused
    allowed = client_as("street_admin").get(reverse("web:command_trends"), query).content.decode()
    assert "data-trend" in allowed
