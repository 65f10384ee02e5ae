"""The satisfaction page in a real Chromium under the CSP: both charts are drawn, nothing fails."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from qiaomen.analytics.tests.satisfaction_data import rated_tickets_make
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel
from qiaomen.web.tests.browser import BROWSER_MARKS, DESK, PageTrouble, chromium, new_page, sign_in

pytestmark = BROWSER_MARKS


def test_the_charts_are_drawn_without_a_console_error(live_server: LiveServer, small_street: SmallStreet) -> None:
    rated_tickets_make(grid=small_street.grid_a, rated=40, satisfied=24, accepted_after_hours=30)
    rated_tickets_make(grid=small_street.grid_b, rated=60, satisfied=50, channel=Channel.VISIT)
    path = reverse("web:command_satisfaction") + "?period=2026-11"
    trouble = PageTrouble()
    with chromium() as browser:
        page = new_page(browser, trouble, DESK)
        sign_in(page, str(live_server), "supervisor", path)
        expect(page.get_by_role("heading", name="满意度与主动发现率")).to_be_visible()
        for chart in ("satisfaction-grid-chart", "satisfaction-sources-chart"):
            box = page.locator(f'[data-chart="{chart}"]')
            expect(box).to_have_attribute("data-chart-drawn", "true")
            expect(box.locator("canvas")).to_have_count(1)
        expect(page.locator("main")).to_contain_text("响应超过24小时的工单满意率为 60%")
        page.context.close()
    assert not trouble, trouble
