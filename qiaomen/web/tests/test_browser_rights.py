"""A resident's rights request from the QR page, in a real Chromium (SECURITY.md lines 9 and 24):
the QR page links to the form, the request reaches the staff's list, and script in what the
resident wrote stays text on the staff's pages (the CSP allows no inline script either)."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from qiaomen.registry.models import RightsKind, RightsRequest
from qiaomen.testing import SmallStreet
from qiaomen.web.tests.browser import (
    BROWSER_MARKS,
    DESK,
    PHONE,
    PageTrouble,
    chromium,
    household_a_door,
    new_page,
    sign_in,
)

pytestmark = BROWSER_MARKS
PAYLOAD = "<img src=x onerror=alert(1)> <script>alert(2)</script>"


def test_security_9_a_request_from_the_qr_page_reaches_staff_as_plain_text(
    live_server: LiveServer, small_street: SmallStreet
) -> None:
    base = str(live_server)
    _, door = household_a_door(live_server, small_street)
    trouble = PageTrouble()
    with chromium() as browser:
        resident = new_page(browser, trouble, PHONE)
        resident.goto(door)
        resident.get_by_role("link", name="查阅/更正/删除我的个人信息").click()
        resident.get_by_label("删除我的个人信息").check()
        resident.get_by_role("textbox").fill(PAYLOAD)
        resident.get_by_role("button", name="提交申请").click()
        expect(resident.get_by_role("status")).to_contain_text("您的申请已收到")
        resident.context.close()
    row = RightsRequest.objects.get()
    assert (row.kind, row.text) == (RightsKind.DELETE, PAYLOAD)
    with chromium() as browser:
        staff = new_page(browser, trouble, DESK)
        sign_in(staff, base, "worker1", reverse("web:home"))
        staff.get_by_role("link", name="个人信息权利申请").click()
        staff.get_by_role("link", name=f"#{row.pk}").click()
        expect(staff.locator("main")).to_contain_text(PAYLOAD)
        assert staff.locator("img[src='x'], [onerror]").count() == 0
        staff.context.close()
    assert not trouble.dialogs, trouble.dialogs
    assert not trouble, trouble
