"""The analysis pages in Chromium under the strict CSP: both charts are drawn from their
json_script options by charts.js, with no console error, CSP violation or failed request."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from qiaomen.analytics.forecast import forecast_refresh
from qiaomen.analytics.tests.demand_helpers import demand
from qiaomen.testing import SmallStreet
from qiaomen.web.tests.browser import BROWSER_MARKS, DESK, PageTrouble, chromium, new_page, sign_in

pytestmark = BROWSER_MARKS


def test_trend_and_forecast_charts_are_drawn(live_server: LiveServer, small_street: SmallStreet) -> None:
    """Meals asked for in grid A each month from May to November 2026; the forecast made on
    6 December 2026 (its run kept)."""
    for month in range(5, 12):
        demand(small_street, "LIF-MEAL", dt.datetime(2026, month, 3, 2, tzinfo=dt.UTC))
    forecast_refresh(today=dt.date(2026, 12, 6))
    trouble = PageTrouble()
    base = str(live_server)
    with chromium() as browser:
        page = new_page(browser, trouble, DESK)
        sign_in(page, base, "community1", reverse("web:command_forecast"))
        expect(page.locator("[data-accuracy=model]")).to_be_visible()
        expect(page.locator("[data-chart=forecast-chart]")).to_have_attribute("data-chart-drawn", "true")
        page.goto(base + reverse("web:command_trends") + "?period=2026-11&min_support=0.5")
        expect(page.get_by_role("heading", name="诉求趋势")).to_be_visible()
        expect(page.locator("[data-chart=trend-chart]")).to_have_attribute("data-chart-drawn", "true")
        assert page.locator("[data-chart=trend-chart] canvas").count() == 1
        page.context.close()
    assert not trouble, trouble
