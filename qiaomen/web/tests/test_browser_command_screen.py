"""The heat map and the wall screen in a real Chromium at 1920×1080 under the CSP: Leaflet draws
the street's grids and buildings and leaflet.heat its canvas, with no tile server; the screen
fits the wall without scrolling, and its minute refresh redraws the map in place. Any console
error, failed request or CSP violation fails the test."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from qiaomen.accounts.screens import screen_token_create
from qiaomen.analytics.tests.heat_street import HeatStreet, demand, make_heat_street
from qiaomen.devices.acknowledgements import ack_sweep
from qiaomen.devices.models import CheckOutcome, HouseholdCheck
from qiaomen.devices.plans import household_check_record, plan_activate
from qiaomen.devices.tests.figures_street import alarm_at
from qiaomen.devices.tests.helpers import make_device, make_vendor
from qiaomen.devices.tests.test_plans import typhoon_plan
from qiaomen.testing import SmallStreet
from qiaomen.web.tests.browser import BROWSER_MARKS, PageTrouble, chromium, new_page, sign_in

pytestmark = BROWSER_MARKS
WALL: dict[str, object] = {"viewport": ViewportSize(width=1920, height=1080)}


def _street_with_demands_now(small_street: SmallStreet) -> HeatStreet:
    """heat_street's November, and this month's demands so the screen's heat layer has points."""
    street = make_heat_street(small_street)
    for _ in range(2):
        demand(small_street, "LIF-ENV", small_street.household_a)
    demand(small_street, "LIF-FAC", street.household_a2)
    return street


def _an_alarm_waiting_and_a_plan_in_force(small_street: SmallStreet) -> None:
    """A wristband's alarm of seven minutes ago nobody has taken (one rung up), and the typhoon
    plan in force for the street with one household found needing help."""
    vendor = make_vendor()
    alarm_at(vendor, make_device(small_street, vendor), timezone.now() - dt.timedelta(minutes=7), 1)
    ack_sweep()
    activation = plan_activate(user=small_street.users["street_admin"], plan=typhoon_plan(small_street))
    check = HouseholdCheck.objects.get(activation=activation, household=small_street.household_a)
    household_check_record(user=small_street.users["worker_a"], check=check, outcome=CheckOutcome.NEEDS_HELP)


def _devices_panel_is_shown(page: Page) -> None:
    panel = page.locator(".wall-devices")
    expect(panel.locator("[data-waiting]")).to_have_text("1")
    expect(panel.locator("li.wall-rung-1")).to_contain_text("备用联系人")
    expect(panel.locator("li.wall-rung-1")).to_contain_text("已等待 7 分钟")
    expect(panel.locator("[data-activation]")).to_contain_text("防台风预案")
    expect(panel.locator("[data-activation]")).to_contain_text("1 户需帮助")


def _map_is_drawn(page: Page, buildings: int, grids: int) -> None:
    box = page.locator("[data-map-drawn='true']")
    expect(box).to_have_count(1)
    expect(box.locator("canvas.leaflet-heatmap-layer")).to_have_count(1)
    expect(box.locator("path.map-building")).to_have_count(buildings)
    expect(box.locator("path.map-grid")).to_have_count(grids)
    # No tile layer: nothing was fetched from outside, the map is the street's own vectors.
    expect(box.locator("img.leaflet-tile")).to_have_count(0)


def _fits_the_wall(page: Page) -> None:
    size = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight,"
        " document.body.scrollHeight]"
    )
    assert size[0] <= 1920 and size[1] <= 1080 and size[2] <= 1080, size
    # Each panel lies inside the wall, and the devices panel shows all it holds (nothing clipped).
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('.wall-panel')].map((panel) => {"
        " const box = panel.getBoundingClientRect();"
        " return [panel.className, box.left, box.top, box.right, box.bottom,"
        " panel.scrollHeight - panel.clientHeight, panel.scrollWidth - panel.clientWidth]; })"
    )
    assert len(boxes) == 6, boxes
    for name, left, top, right, bottom, over_y, over_x in boxes:
        assert left >= 0 and top >= 0 and right <= 1920 and bottom <= 1080, (name, left, top, right, bottom)
        if "wall-devices" in name:
            assert over_y <= 1 and over_x <= 1, (name, over_y, over_x)


def _refresh_the_figures(page: Page) -> None:
    """What htmx does every 60 s, at once: fetch the part into #wall-live; the map redraws."""
    page.evaluate(
        "() => new Promise((done) => {"
        " document.body.addEventListener('htmx:afterSettle', () => done(), {once: true});"
        " const live = document.getElementById('wall-live');"
        " htmx.ajax('GET', live.getAttribute('hx-get'), {target: live, swap: 'innerHTML'}); })"
    )


def test_the_heat_map_draws_grids_buildings_and_heat_without_tiles(
    live_server: LiveServer, small_street: SmallStreet
) -> None:
    make_heat_street(small_street)
    base, trouble = str(live_server), PageTrouble()
    with chromium() as browser:
        page = new_page(browser, trouble, WALL)
        sign_in(page, base, "admin", reverse("web:command_map") + "?period=2026-11")
        expect(page.get_by_role("heading", level=1)).to_have_text("需求热力图")
        _map_is_drawn(page, buildings=3, grids=2)
        expect(page.locator("table.heat-grids tbody tr")).to_have_count(2)
        page.get_by_label("分类").select_option(label="应急求助")
        page.get_by_role("button", name="查看").click()
        _map_is_drawn(page, buildings=3, grids=2)
        expect(page.locator("table.heat-grids")).to_contain_text("和平一网格")
        page.context.close()
    assert not trouble, trouble


def test_the_kiosk_screen_fills_the_wall_and_refreshes_in_place(
    live_server: LiveServer, small_street: SmallStreet
) -> None:
    _street_with_demands_now(small_street)
    _an_alarm_waiting_and_a_plan_in_force(small_street)
    _, key = screen_token_create(
        user=small_street.users["street_admin"], street=small_street.street, name="大屏", days=1
    )
    base, trouble = str(live_server), PageTrouble()
    with chromium() as browser:
        page = new_page(browser, trouble, WALL)
        page.goto(base + reverse("web:command_screen_kiosk", args=[key]))
        expect(page.get_by_role("heading", level=1)).to_contain_text("幸福街道")
        expect(page.locator(".wall-tile")).to_have_count(8)
        expect(page.locator("time[data-clock]")).to_contain_text(":")
        _map_is_drawn(page, buildings=3, grids=2)
        _devices_panel_is_shown(page)
        _fits_the_wall(page)
        _refresh_the_figures(page)
        _map_is_drawn(page, buildings=3, grids=2)
        expect(page.locator(".wall-tile")).to_have_count(8)
        _devices_panel_is_shown(page)
        _fits_the_wall(page)
        page.context.close()
    assert not trouble, trouble


def test_the_staff_screen_fills_the_wall(live_server: LiveServer, small_street: SmallStreet) -> None:
    _street_with_demands_now(small_street)
    base, trouble = str(live_server), PageTrouble()
    with chromium() as browser:
        page = new_page(browser, trouble, WALL)
        sign_in(page, base, "admin", reverse("web:command_screen"))
        expect(page.locator(".wall-tile")).to_have_count(8)
        _map_is_drawn(page, buildings=3, grids=2)
        _fits_the_wall(page)
        page.context.close()
    assert not trouble, trouble
