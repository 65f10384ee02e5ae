"""In a real browser: a demand recorded on a visit becomes a ticket in 民政's inbox, is accepted,
worked on and resolved by the department, confirmed by the grid worker, rated 5 by the resident
through the one-time link, and counts in the figures (issue 4, "Must show").

Three people, three browser contexts of one Chromium: worker1 on a phone at the building,
dept_minzheng at a desk, and the resident on a phone without any login. The pages run against
pytest-django's live server (one per xdist worker); the launch flags, the CSP reporter and the
trouble watcher are test_browser_visit's.
"""

from __future__ import annotations

import re
from base64 import b32decode
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Geolocation,
    Locator,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from qiaomen.testing import PASSWORD, SmallStreet, totp_code
from qiaomen.tickets.models import Channel, Status, Ticket, TicketEvent
from qiaomen.tickets.services import transitions
from qiaomen.web.tests.test_browser_visit import CHROMIUM, CHROMIUM_FLAGS, REPORT_CSP, PageTrouble

DEMAND = "老人想申请助餐服务"  # the keywords point to LIF-MEAL 老年助餐, routed to 民政
RESULT = "已为老人办理助餐登记，每天中午送餐上门"

pytestmark = pytest.mark.browser


@dataclass
class SmsOutbox:
    """Stands in for the text message that carries the rating link to the resident.

    ticket_resolve issues the one-time token and returns it; the resolve page does not show it
    (the handler is not the one to rate), and no SMS gateway exists yet. The live server runs in
    this process, so wrapping rating_link_issue hands the test exactly the token the resolution
    issued, as the resident's phone would receive it.
    """

    tokens: list[str] = field(default_factory=list)

    def wrap(self, issue: Callable[..., str]) -> Callable[..., str]:
        def rating_link_issue(*, ticket: Ticket) -> str:
            token = issue(ticket=ticket)
            self.tokens.append(token)
            return token

        return rating_link_issue


@dataclass
class People:
    worker: Page
    handler: Page
    resident: Page
    trouble: PageTrouble


def _context(browser: Browser, trouble: PageTrouble, **options: object) -> BrowserContext:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)  # type: ignore[arg-type]
    context.expose_function("__reportCsp", trouble.csp_violation)
    context.add_init_script(REPORT_CSP)
    # The pages declare no icon; Chromium's /favicon.ico 404 is not what this test is about.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    return context


def _page(context: BrowserContext, trouble: PageTrouble) -> Page:
    page = context.new_page()
    trouble.watch(page)
    page.set_default_timeout(15_000)
    return page


@contextmanager
def three_people(building_lat: float, building_lng: float) -> Iterator[People]:
    """The worker's phone at the building, the handler's desktop and the resident's phone.

    Playwright's sync API runs an event loop in this thread, so Django refuses ORM calls while the
    browser is open: the test touches the database only before and after this block.
    """
    trouble = PageTrouble()
    phone = {"viewport": ViewportSize(width=390, height=844), "is_mobile": True, "has_touch": True}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            worker = _context(
                browser,
                trouble,
                **phone,
                geolocation=Geolocation(latitude=building_lat + 0.0001, longitude=building_lng + 0.0001),
                permissions=["geolocation"],
            )
            handler = _context(browser, trouble, viewport=ViewportSize(width=1280, height=800))
            resident = _context(browser, trouble, **phone)
            yield People(_page(worker, trouble), _page(handler, trouble), _page(resident, trouble), trouble)
        finally:
            browser.close()


def test_a_visit_demand_goes_through_minzheng_to_a_rated_result_that_shows_in_the_figures(
    live_server: LiveServer, small_street: SmallStreet, monkeypatch: pytest.MonkeyPatch
) -> None:
    sms = SmsOutbox()
    # Resolving issues the link (services.transitions): catch it there, as an SMS gateway would.
    monkeypatch.setattr(transitions, "rating_link_issue", sms.wrap(transitions.rating_link_issue))
    building = small_street.building_a
    assert building.lat is not None and building.lng is not None
    household = small_street.household_a
    address = str(household)
    base = str(live_server)

    with three_people(float(building.lat), float(building.lng)) as people:
        _worker_records_the_demand(people.worker, base, reverse("web:visit_new", args=[household.pk]))
        detail_path = _handler_accepts_and_resolves(people.handler, base)
        assert len(sms.tokens) == 1, "resolving issues exactly one rating link"
        _worker_confirms(people.worker, detail_path)
        _resident_rates(people.resident, base + reverse("public:rate", args=[sms.tokens[0]]), address)
        _handler_sees_the_figures(people.handler)
    assert not people.trouble, people.trouble

    _assert_closed_loop(small_street)


def _sign_in(page: Page, base: str, username: str, next_path: str) -> None:
    """Through the form, as a person does; an admin role then sets up its authenticator (reading
    the key off the page as an app would from the QR code) or enters the app's current code."""
    page.goto(base + reverse("web:login") + "?next=" + next_path)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if page.url.endswith(reverse("web:login_enrol")):
        key = b32decode(page.locator("code.secret-key").inner_text().strip())
        page.get_by_label("验证码").fill(f"{totp(key):06d}")
        page.get_by_role("button", name="确认").click()
        page.get_by_role("link", name="我已抄下").click()
    elif page.url.endswith(reverse("web:login_code")):
        page.get_by_label("验证码").fill(totp_code(TOTPDevice.objects.get(user__username=username)))
        page.get_by_role("button", name="验证").click()


def _nav(page: Page, label: str) -> Locator:
    return page.get_by_role("navigation", name="栏目").get_by_role("link", name=re.compile(f"^{label}"))


def _worker_records_the_demand(page: Page, base: str, new_visit_path: str) -> None:
    _sign_in(page, base, "worker1", new_visit_path)
    expect(page.get_by_role("heading", name="记录走访")).to_be_visible()
    expect(page.locator("input[name=lat]")).not_to_have_value("")
    page.get_by_role("radio", name="见到住户").check()
    page.get_by_role("group", name="身体状况").get_by_role("radio", name="良好").check()
    page.get_by_role("group", name="家中水电燃气是否安全").get_by_role("radio", name="安全").check()
    page.get_by_label("诉求 1").fill(DEMAND)
    # The category is suggested from the words (htmx) and left as suggested.
    category = page.locator("select[name='demands-0-subcategory']")
    expect(category).to_have_value("LIF-MEAL")
    expect(category.locator("option:checked")).to_have_text(re.compile("^老年助餐"))
    page.get_by_role("button", name="保存走访").click()

    expect(page).to_have_url(re.compile(re.escape(reverse("web:worklist")) + r"\?.*recorded="))
    expect(page.locator(".messages .notice-success")).to_contain_text("记录诉求 1 条，已生成工单 1 张。")


def _handler_accepts_and_resolves(page: Page, base: str) -> str:
    """dept_minzheng finds the ticket in the inbox and takes it to 已办结; returns its page's path."""
    _sign_in(page, base, "dept_minzheng", reverse("web:ticket_inbox"))
    expect(page.get_by_role("heading", level=1)).to_have_text("部门待办")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("民政")
    rows.first.get_by_role("link", name=re.compile("老年助餐")).click()

    lead = page.locator(".page-head .lead")
    expect(page.get_by_role("heading", level=1)).to_contain_text("老年助餐")
    expect(lead).to_contain_text("民政")
    expect(page.get_by_role("region", name="诉求")).to_contain_text(DEMAND)
    detail_path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/tickets/\d+/", detail_path), detail_path

    page.get_by_role("button", name="受理").click()
    expect(page.locator(".messages .notice-success")).to_have_text("已完成。")
    expect(lead).to_contain_text("已受理")
    page.get_by_role("button", name="开始办理").click()
    expect(page.get_by_role("button", name="办结")).to_be_visible()
    page.get_by_label("结果").fill(RESULT)
    page.get_by_role("button", name="办结").click()
    expect(lead).to_contain_text("已办结")
    expect(page.get_by_role("button", name="办结")).to_have_count(0)
    # The handler cannot confirm the result: that is the grid worker's.
    expect(page.get_by_role("button", name="确认办理结果")).to_have_count(0)
    return detail_path


def _worker_confirms(page: Page, detail_path: str) -> None:
    """worker1 is told the ticket is resolved and confirms the result from the notification."""
    page.reload()  # the worklist after the visit: the nav's unread count is the new notification
    _nav(page, "通知").click()
    page.get_by_role("link", name=re.compile("已办结，请上门确认结果")).click()
    expect(page).to_have_url(re.compile(re.escape(detail_path) + "$"))
    expect(page.locator(".facts")).to_contain_text(RESULT)
    page.get_by_role("button", name="确认办理结果").click()
    expect(page.locator(".messages .notice-success")).to_have_text("已完成。")
    expect(page.get_by_role("button", name="确认办理结果")).to_have_count(0)
    expect(page.locator(".timeline")).to_contain_text("网格员已确认办理结果")


def _resident_rates(page: Page, rate_url: str, address: str) -> None:
    page.goto(rate_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("请为本次服务评分")
    expect(page.locator(".public-lead")).to_contain_text("老年助餐")
    expect(page.locator(".public-note")).to_contain_text(RESULT)
    assert address not in page.content(), "a forwarded link must not give the address away"
    page.get_by_label("5★", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("感谢您的评价！")

    # One time only: the same link again says so (409, not a second rating). A tab of its own,
    # left out of the trouble watch, since this 409 is the answer wanted (CSP is still reported).
    again = page.context.new_page()
    answer = again.goto(rate_url)
    assert answer is not None and answer.status == 409
    expect(again.get_by_role("alert")).to_have_text("您已经评价过了，感谢您的反馈！")
    again.close()


def _handler_sees_the_figures(page: Page) -> None:
    page.reload()  # the ticket page, left at 已办结
    expect(page.locator(".page-head .lead")).to_contain_text("已关闭")
    expect(page.locator(".facts")).to_contain_text("5 / 5")
    expect(page.locator(".timeline")).to_contain_text("居民已评价")

    _nav(page, "工单指标").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("工单指标")
    headers = [text.strip() for text in page.locator("table.figures thead th").all_inner_texts()]
    total = page.locator("table.figures tbody tr").filter(has=page.get_by_role("rowheader", name="全部"))
    expect(total).to_have_count(1)
    cells = total.locator("th, td")

    def cell(header: str) -> Locator:
        return cells.nth(headers.index(header))

    expect(cell("工单")).to_have_text("1")
    expect(cell("满意率")).to_contain_text("100%")
    expect(cell("办结率")).to_contain_text("100%")
    expect(cell("主动发现占比")).to_contain_text("100%")  # channel visit: found by the worker


def _assert_closed_loop(street: SmallStreet) -> None:
    ticket = Ticket.objects.select_related("department", "subcategory", "demand").get()
    assert ticket.channel == Channel.VISIT
    assert ticket.demand is not None and ticket.demand.text == DEMAND
    assert ticket.subcategory.code == "LIF-MEAL" and ticket.department.code == "minzheng"
    assert ticket.household == street.household_a
    assert ticket.handler == street.users["dept_handler"]
    assert ticket.resolution_note == RESULT
    assert ticket.worker_confirmed_by == street.users["worker_a"]
    assert ticket.rating == 5 and ticket.status == Status.CLOSED
    actions = list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["create", "accept", "start", "resolve", "confirm", "rate", "close"]
