"""The command centre in a real Chromium under the CSP: the page and its trends load without a
console error or a CSP report, and every sparkline swapped in by htmx is drawn (a canvas in
each chart box), also after moving to another level's table."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from qiaomen.analytics.tests.targets_street import target_street
from qiaomen.testing import SmallStreet
from qiaomen.web.tests.browser import BROWSER_MARKS, DESK, PageTrouble, chromium, new_page, sign_in

pytestmark = BROWSER_MARKS
__all__ = ["target_street"]
CHARTS = 8


def test_the_command_centre_draws_its_charts_under_the_csp(live_server: LiveServer, target_street: SmallStreet) -> None:
    base = str(live_server)
    trouble = PageTrouble()
    with chromium() as browser:
        page = new_page(browser, trouble, DESK)
        sign_in(page, base, "admin", reverse("web:command") + "?period=2026-11")
        expect(page.get_by_role("heading", name="指挥中心")).to_be_visible()
        expect(page.locator(".target-card[data-target]")).to_have_count(CHARTS)
        # Beside the targets, the participation panel: the rate against its goal, among others.
        expect(page.locator(".target-card[data-resource=participation_rate]")).to_be_visible()
        expect(page.locator("[data-chart][data-chart-drawn=true]")).to_have_count(CHARTS)
        assert page.locator("[data-chart] canvas").count() == CHARTS
        page.get_by_role("link", name="网格", exact=True).click()
        expect(page.get_by_role("row", name="光明一网格")).to_be_visible()
        expect(page.locator("[data-chart][data-chart-drawn=true]")).to_have_count(CHARTS)
        page.locator(".target-card[data-target] a").first.click()
        expect(page.get_by_role("heading", name="就地解决率")).to_be_visible()
        page.context.close()
    assert not trouble, trouble
