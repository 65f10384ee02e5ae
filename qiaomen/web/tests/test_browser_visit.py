"""In a real browser on a phone-sized screen: worker1 records a visit with a demand and the
household leaves the due list (issue 3, "Must show").

Playwright drives Debian's Chromium (/usr/bin/chromium); it never downloads a browser of its own.
The pages run against pytest-django's live server, one per xdist worker.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import (
    ConsoleMessage,
    Dialog,
    Error,
    Geolocation,
    Page,
    Response,
    ViewportSize,
    expect,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from qiaomen.places.models import Building
from qiaomen.testing import CHROMIUM, PASSWORD, SmallStreet
from qiaomen.visits.models import Visit
from qiaomen.web.tests.visit_helpers import record_visit

# Without the background-networking flags Chromium keeps dialling Google's hosts, which this
# machine's closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMAND = "老人想申请助餐服务"
OUTBOX_KEYS = "Object.keys(window.localStorage).filter((k) => k.startsWith('qiaomen.visit-outbox')).length"

pytestmark = pytest.mark.browser

# CSP violations are reported by the page itself; console messages alone may be rate-limited.
REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCsp(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@dataclass
class PageTrouble:
    """Everything a page did that a worker would see as broken."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)  # the console names no URL

    def __bool__(self) -> bool:
        return bool(
            self.console_errors or self.page_errors or self.csp_violations or self.dialogs or self.failed_requests
        )

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("pageerror", self._page_error)
        page.on("dialog", self._dialog)

    def csp_violation(self, violation: str) -> None:
        self.csp_violations.append(violation)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed_requests.append(f"{response.status} {response.url}")

    def _page_error(self, error: Error) -> None:
        self.page_errors.append(str(error))

    def _dialog(self, dialog: Dialog) -> None:
        # Dismissed so that the page goes on; a dialog at all is a failure (the pages use none).
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@contextmanager
def phone_at(building: Building) -> Iterator[tuple[Page, PageTrouble]]:
    """A page in Chromium set up as a worker's phone standing at `building`.

    Playwright's sync API runs an event loop in this thread, so Django refuses ORM calls while the
    browser is open: the test touches the database only before and after this block.
    """
    assert building.lat is not None and building.lng is not None
    building_lat, building_lng = float(building.lat), float(building.lng)
    trouble = PageTrouble()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        context = browser.new_context(
            viewport=ViewportSize(width=390, height=844),
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            # About 15 m from the building: close enough not to be flagged (over 200 m is).
            geolocation=Geolocation(latitude=building_lat + 0.0001, longitude=building_lng + 0.0001),
            permissions=["geolocation"],
        )
        context.expose_function("__reportCsp", trouble.csp_violation)
        context.add_init_script(REPORT_CSP)
        # The pages declare no icon, so Chromium asks for /favicon.ico and logs its 404 as a console
        # error; that is not what this test is about (reported in the hand-back), so it is answered here.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        page = context.new_page()
        trouble.watch(page)
        page.set_default_timeout(15_000)
        try:
            yield page, trouble
        finally:
            context.close()
            browser.close()


def test_worker_records_a_visit_with_a_demand_and_the_household_leaves_the_due_list(
    live_server: LiveServer, small_street: SmallStreet
) -> None:
    # household_a has a special-group member (2 visits a month): with this month's first visit
    # already made, the visit recorded in the browser is the one that takes it off the list.
    # Real time, not a frozen clock: the live server and the browser run on their own clocks.
    record_visit(small_street, small_street.household_a, at=timezone.now() - dt.timedelta(minutes=1))
    base = str(live_server)
    household = small_street.household_a
    new_visit_url = reverse("web:visit_new", args=[household.pk])
    with phone_at(small_street.building_a) as (page, trouble):
        _record_visit_in_browser(page, base, new_visit_url)
    assert not trouble, trouble
    _assert_recorded(small_street)


def _record_visit_in_browser(page: Page, base: str, new_visit_url: str) -> None:
    page.goto(base + reverse("web:login") + "?next=" + reverse("web:worklist"))
    page.get_by_label("用户名").fill("worker1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("走访清单")
    record = page.locator(f'a[href="{new_visit_url}"]')
    expect(record).to_have_count(1)
    expect(page.get_by_role("row").filter(has=record)).to_contain_text("101")

    record.click()
    expect(page.get_by_role("heading", name="记录走访")).to_be_visible()
    # visits.js fills the check-in position from the phone's geolocation.
    expect(page.locator("input[name=lat]")).not_to_have_value("")
    page.get_by_role("radio", name="见到住户").check()
    page.get_by_role("group", name="身体状况").get_by_role("radio", name="良好").check()
    page.get_by_role("group", name="家中水电燃气是否安全").get_by_role("radio", name="安全").check()
    page.get_by_label("诉求 1").fill(DEMAND)
    page.get_by_role("button", name="保存走访").click()

    expect(page).to_have_url(re.compile(re.escape(reverse("web:worklist")) + r"\?.*recorded="))
    expect(page.locator(".messages .notice-success")).to_contain_text("101")
    expect(page.locator(f'a[href="{new_visit_url}"]')).to_have_count(0)
    expect(page.get_by_text("本网格目前没有待走访的住户。")).to_be_visible()
    # The outbox copy kept in case the request got lost is gone once the page recorded the visit
    # (visits.js clears it on load, after the page is already visible: wait for it, 5 s at most).
    # Polled from here: wait_for_function runs a string predicate through eval in the page, which
    # the page's CSP (no 'unsafe-eval') refuses (seen failing in CI on a slow run); page.evaluate
    # goes through the browser's protocol, which the CSP does not govern.
    deadline = time.monotonic() + 5
    while (left := page.evaluate(OUTBOX_KEYS)) != 0:
        assert time.monotonic() < deadline, f"{left} visit(s) still in the outbox"
        page.wait_for_timeout(100)


def _assert_recorded(street: SmallStreet) -> None:
    visit = Visit.objects.filter(household=street.household_a).latest("visited_at")
    assert visit.outcome == "met"
    assert visit.worker == street.users["worker_a"]
    assert not visit.far_from_building
    assert [demand.text for demand in visit.demands.all()] == [DEMAND]
