"""In a real browser: a resident scans the door sticker on a phone, sends a demand in Chinese, the
classifier routes it to 民政, whose inbox shows it as 老年助餐; the handler accepts it and the
resident sees 已受理 on the same page (issue 5, "Must show").

Two browser contexts of one Chromium: the resident's phone (no login) and dept_minzheng's desk.
"""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Status, Ticket
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

DEMAND = "我妈一个人住，中午总是吃不上热饭，能不能帮忙订个老年餐"

pytestmark = BROWSER_MARKS


def test_a_resident_sends_a_demand_by_qr_and_follows_it_to_accepted(
    live_server: LiveServer, small_street: SmallStreet
) -> None:
    s = small_street
    base = str(live_server)
    code, door = household_a_door(live_server, s)
    trouble = PageTrouble()
    with chromium() as browser:
        resident = new_page(browser, trouble, PHONE)
        handler = new_page(browser, trouble, DESK)

        resident.goto(door)
        expect(resident.get_by_role("heading", level=1)).to_have_text("反映诉求")
        expect(resident.get_by_role("region", name="个人信息告知")).to_contain_text("仅用于办理您的诉求")
        consent = resident.get_by_label(re.compile("^我同意保存诉求中的健康信息"))
        expect(consent).not_to_be_checked()
        # Large type for elderly readers: the body text is at least 20 px on the phone.
        size = resident.locator("body").evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
        assert size >= 20, size
        resident.get_by_label("您的诉求").fill(DEMAND)
        resident.get_by_role("button", name="提交诉求").click()
        expect(resident.get_by_role("status")).to_contain_text("已收到您的诉求")
        assert "?sent=1" in resident.url  # POST-redirect-GET: a reload does not send it again
        demands = resident.get_by_role("region", name="本户诉求办理进度")
        expect(demands).to_contain_text("老年助餐")
        expect(demands).to_contain_text("已转交办理部门")
        expect(demands).to_contain_text(DEMAND[:20])

        sign_in(handler, base, "dept_minzheng", reverse("web:ticket_inbox"))
        expect(handler.get_by_role("heading", level=1)).to_have_text("部门待办")
        rows = handler.locator("tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("老年助餐")
        rows.first.get_by_role("link", name=re.compile("老年助餐")).click()
        expect(handler.get_by_role("region", name="诉求")).to_contain_text(DEMAND)
        handler.get_by_role("button", name="受理").click()
        expect(handler.locator(".page-head .lead")).to_contain_text("已受理")

        resident.reload()
        expect(resident.get_by_role("region", name="本户诉求办理进度")).to_contain_text("已受理")
    assert not trouble, trouble

    ticket = Ticket.objects.select_related("subcategory", "department").get()
    assert (ticket.channel, ticket.door_code_id, ticket.household_id) == (Channel.QR, code.pk, s.household_a.pk)
    assert ticket.suggestion["code"] == "LIF-MEAL" and ticket.subcategory.code == "LIF-MEAL"
    assert ticket.department.code == "minzheng" and ticket.status == Status.ACCEPTED
