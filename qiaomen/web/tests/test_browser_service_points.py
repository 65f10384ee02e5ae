"""The service-point map in a real Chromium under the CSP: Leaflet draws the point, its 800 m
reach and the buildings, marks the uncovered one, with no console error or CSP report; and a
grid worker's map holds their own grid's building only."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from qiaomen.participation.tests.menu_fixtures import make_point
from qiaomen.testing import SmallStreet
from qiaomen.web.tests.browser import BROWSER_MARKS, DESK, PageTrouble, chromium, new_page, sign_in

pytestmark = BROWSER_MARKS


def test_the_service_point_map_draws_points_reach_and_uncovered_buildings(
    live_server: LiveServer, small_street: SmallStreet
) -> None:
    # Beside grid A's building; grid B's building is about 1.4 km away, so it is uncovered.
    make_point(small_street, "和平社区服务站", lat=31.2, lng=121.4)
    base = str(live_server)
    trouble = PageTrouble()
    with chromium() as browser:
        page = new_page(browser, trouble, DESK)
        sign_in(page, base, "admin", reverse("web:service_points"))
        expect(page.locator("[data-points-map][data-map-drawn=true]")).to_have_count(1)
        expect(page.locator("path.map-point-station")).to_have_count(1)
        expect(page.locator("path.map-reach")).to_have_count(1)
        expect(page.locator("path.map-building")).to_have_count(2)
        expect(page.locator("path.map-building-uncovered")).to_have_count(1)
        page.context.close()
        worker = new_page(browser, trouble, DESK)
        sign_in(worker, base, "worker1", reverse("web:service_points"))
        expect(worker.locator("[data-points-map][data-map-drawn=true]")).to_have_count(1)
        expect(worker.locator("path.map-building")).to_have_count(1)
        expect(worker.locator("path.map-building-uncovered")).to_have_count(0)
        worker.context.close()
    assert not trouble, trouble
