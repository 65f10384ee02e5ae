"""The phone app in a real Chromium on a phone-sized screen: Chromium finds it installable; a
worker loads the work list, loses the signal, records three visits (two with a demand), reloads
the app without signal and finds them all, gets the signal back, and the server holds exactly
those three visits and their tickets, also after the same queue is sent twice more; signing out
wipes the phone's store. Any console error, failed request or CSP violation fails the test."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

from django.urls import reverse
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Ticket
from qiaomen.visits.models import Demand, Visit, VisitPhoto
from qiaomen.visits.photos import visit_photo_path
from qiaomen.web.tests.browser import BROWSER_MARKS, PHONE, PageTrouble, chromium, new_page, sign_in
from qiaomen.web.tests.test_browser_visit import CHROMIUM, CHROMIUM_FLAGS, REPORT_CSP

pytestmark = BROWSER_MARKS

READ_QUEUE = "() => QiaomenVault.open(document.body.dataset.user).then((vault) => vault.get('queue'))"
STORES = "() => indexedDB.databases().then((found) => found.map((database) => database.name))"
# Sends the given visits as the app does, each once, and answers the statuses.
RESEND = """async (visits) => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const statuses = [];
  for (const visit of visits) {
    const response = await fetch(document.body.dataset.visitsUrl, {method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf}, body: JSON.stringify(visit.payload)});
    statuses.push(response.status);
  }
  return statuses;
}"""


def _camera_photo(shade: int) -> FilePayload:
    """A photo as a phone camera takes it, larger than the app sends (2400 × 1200)."""
    out = io.BytesIO()
    Image.new("RGB", (2400, 1200), (shade, 90, 160)).save(out, format="PNG")
    return {"name": f"IMG_{shade}.png", "mimeType": "image/png", "buffer": out.getvalue()}


def _phone(street: SmallStreet) -> dict[str, object]:
    building = street.building_a
    return {
        **PHONE,
        "geolocation": {"latitude": building.lat, "longitude": building.lng, "accuracy": 12},
        "permissions": ["geolocation"],
    }


def _queue_empties(page: Page, seconds: float = 15) -> None:
    """Polled from here: wait_for_function takes the promise the vault's read returns for a true
    answer and would not wait at all."""
    deadline = time.monotonic() + seconds
    while (queue := page.evaluate(READ_QUEUE)) != []:
        assert time.monotonic() < deadline, f"still waiting on the phone: {queue}"
        page.wait_for_timeout(100)


def _app_ready(page: Page) -> None:
    """The list drawn and the first sync over (going offline in the middle of it would log the
    browser's own network error for a request the app then simply tries again)."""
    expect(page.locator("body[data-ready='true']")).to_have_count(1)
    expect(page.locator("body[data-syncing='false']")).to_have_count(1)


def _record(page: Page, address: str, outcome: str, demand: str = "", photo: FilePayload | None = None) -> None:
    page.get_by_role("button", name=address).click()
    expect(page.locator("#visit-position")).to_contain_text("已记录位置")
    page.get_by_label(outcome).check()
    if outcome == "见到住户":  # the routine questionnaire's two required questions
        page.get_by_role("button", name="保存走访").click()
        expect(page.locator("#visit-error")).to_have_text("请回答“身体状况”。")
        page.get_by_label("身体状况 *").select_option("一般")
        page.get_by_label("家中水电燃气是否安全 *").select_option("安全")
        page.get_by_label("是否独自居住").select_option("yes")
    if demand:
        page.get_by_label("诉求（每行一条）").fill(demand)
    if photo:
        page.get_by_label("照片").set_input_files(photo)
    page.get_by_role("button", name="保存走访").click()
    expect(page.locator("#visit-view")).to_be_hidden()


def test_chromium_finds_the_app_installable(live_server: LiveServer, small_street: SmallStreet, tmp_path: Path) -> None:
    """In a profile of its own: Chromium never offers to install from an incognito window, which
    is what a fresh Playwright context is."""
    trouble = PageTrouble()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_FLAGS,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            **_phone(small_street),  # type: ignore[arg-type]
        )
        try:
            context.expose_function("__reportCsp", trouble.csp_violation)
            context.add_init_script(REPORT_CSP)
            context.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # the sign-in page's
            page = context.new_page()
            trouble.watch(page)
            sign_in(page, live_server.url, "worker1", reverse("mobile:app"))
            _app_ready(page)
            scope = page.evaluate("() => navigator.serviceWorker.ready.then((registration) => registration.scope)")
            assert scope == live_server.url + reverse("mobile:app")
            cdp = context.new_cdp_session(page)
            assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
            manifest: dict[str, Any] = cdp.send("Page.getAppManifest")
            assert manifest["errors"] == [] and manifest["url"].endswith(reverse("mobile:manifest"))
        finally:
            context.close()
    assert not trouble, trouble


def test_three_visits_without_signal_reach_the_server_once_each(
    live_server: LiveServer, small_street: SmallStreet
) -> None:
    trouble = PageTrouble()
    address = str(small_street.household_a)
    with chromium() as browser:
        page = new_page(browser, trouble, _phone(small_street))
        sign_in(page, live_server.url, "worker1", reverse("mobile:app"))
        _app_ready(page)
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now under the worker's control, which keeps the page for offline use
        _app_ready(page)
        expect(page.locator("#households li")).to_have_count(1)
        expect(page.locator("#sync-status")).to_contain_text("已全部上传")

        page.context.set_offline(True)
        _record(page, address, "见到住户", "电梯坏了一个礼拜了，老人下不了楼", _camera_photo(10))
        _record(page, address, "无人在家", photo=_camera_photo(20))
        _record(page, address, "见到住户", "想问下高龄补贴咋个申请", _camera_photo(30))
        expect(page.locator("#sync-status")).to_contain_text("3 条走访待上传")
        page.reload()
        _app_ready(page)
        expect(page.locator("#queue li")).to_have_count(3)
        expect(page.locator("#queue li").first).to_contain_text("1 张照片待上传")
        expect(page.locator("#households li")).to_have_count(1)
        expect(page.locator("#status")).to_contain_text("当前离线")
        queued = page.evaluate(READ_QUEUE)

        page.context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        expect(page.locator("#sync-status")).to_contain_text("已全部上传")
        expect(page.locator("#queue li")).to_have_count(0)
        # The same queue sent twice more: each visit answered with its first result.
        assert page.evaluate(RESEND, queued + queued) == [201] * 6

        page.get_by_role("button", name="退出登录").click()
        page.wait_for_url("**" + reverse("web:login") + "**")
        assert "qiaomen-phone" not in page.evaluate(STORES)
    assert not trouble, trouble

    visits = Visit.objects.filter(household=small_street.household_a, worker=small_street.users["worker_a"])
    assert visits.count() == 3
    assert sorted(visits.values_list("outcome", flat=True)) == ["met", "met", "not_home"]
    met = visits.filter(outcome="met").first()
    assert met is not None and met.answers == {"health": "一般", "safety": "安全", "living_alone": True}
    assert {str(u) for u in visits.values_list("client_uuid", flat=True)} == {
        v["payload"]["client_uuid"] for v in queued
    }
    assert all(visit.distance_m is not None and visit.accuracy_m == 12 for visit in visits)
    # One photo each, shrunk on the phone to JPEG with its long side at 1600 px, and each visit
    # complete: the photo it announced has arrived.
    photos = VisitPhoto.objects.filter(visit__in=visits)
    assert sorted(photos.values_list("visit_id", flat=True)) == sorted(visits.values_list("pk", flat=True))
    assert all(visit.photos_expected == 1 for visit in visits)
    for photo in photos:
        assert photo.content_type == "image/jpeg"
        with Image.open(visit_photo_path(photo)) as stored:
            assert stored.size == (1600, 800)
    demands = Demand.objects.filter(visit__in=visits)
    assert demands.count() == 2
    assert Ticket.objects.filter(pk__in=demands.values("ticket")).count() == 2


def test_a_note_with_three_demands_becomes_the_two_the_worker_keeps(
    live_server: LiveServer, small_street: SmallStreet
) -> None:
    trouble = PageTrouble()
    address = str(small_street.household_a)
    note = "老人说电梯坏了一个礼拜，另外想问下高龄补贴咋个申请，还有楼下垃圾没人收"
    with chromium() as browser:
        page = new_page(browser, trouble, _phone(small_street))
        sign_in(page, live_server.url, "worker1", reverse("mobile:app"))
        _app_ready(page)
        page.get_by_role("button", name=address).click()
        page.get_by_label("无人在家").check()
        page.get_by_label("备注", exact=True).fill(note)
        page.get_by_role("button", name="从备注中拆分诉求").click()
        rows = page.locator("#split-demands li")
        expect(rows).to_have_count(3)
        expect(rows.nth(1)).to_contain_text("P")
        rows.nth(1).get_by_role("button", name="删除").click()
        expect(rows).to_have_count(2)
        # Saved without signal, so that the visit is seen waiting before it is seen sent.
        page.context.set_offline(True)
        page.get_by_role("button", name="保存走访").click()
        expect(page.locator("#sync-status")).to_contain_text("1 条走访待上传")
        page.context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        _queue_empties(page)
    assert not trouble, trouble
    visit = Visit.objects.get(household=small_street.household_a)
    tickets = Ticket.objects.filter(pk__in=Demand.objects.filter(visit=visit).values("ticket"))
    assert sorted(tickets.values_list("subcategory__code", flat=True)) == ["LIF-ENV", "LIF-FAC"]


def test_a_note_saved_without_signal_is_split_at_sync_and_sent_after_the_worker_confirms(
    live_server: LiveServer, small_street: SmallStreet
) -> None:
    trouble = PageTrouble()
    note = "老人说电梯坏了一个礼拜，另外想问下高龄补贴咋个申请，还有楼下垃圾没人收"
    with chromium() as browser:
        page = new_page(browser, trouble, _phone(small_street))
        sign_in(page, live_server.url, "worker1", reverse("mobile:app"))
        _app_ready(page)
        page.context.set_offline(True)
        page.get_by_role("button", name=str(small_street.household_a)).click()
        page.get_by_label("无人在家").check()
        page.get_by_label("备注", exact=True).fill(note)
        page.get_by_label("无信号：有信号后再从备注中拆分诉求，由我确认").check()
        page.get_by_role("button", name="保存走访").click()
        expect(page.locator("#queue")).to_contain_text("有信号后将从备注中拆分诉求")
        page.context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        found = page.locator(".confirm-demands label")
        expect(found).to_have_count(3)
        found.filter(has_text="高龄补贴").get_by_role("checkbox").uncheck()
        page.get_by_role("button", name="确认并上传").click()
        _queue_empties(page)
    assert not trouble, trouble
    visit = Visit.objects.get(household=small_street.household_a)
    tickets = Ticket.objects.filter(pk__in=Demand.objects.filter(visit=visit).values("ticket"))
    assert sorted(tickets.values_list("subcategory__code", flat=True)) == ["LIF-ENV", "LIF-FAC"]


STAFF_CORRECTS = """async ([url, person, version]) => {
  const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrftoken='))?.split('=')[1]
    ?? document.querySelector('input[name=csrfmiddlewaretoken]').value;
  const response = await fetch(url, {method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
    body: JSON.stringify({client_uuid: crypto.randomUUID(), person_id: person, field: 'phone',
      value: '13733334444', version: version, made_at: new Date().toISOString()})});
  return (await response.json()).status;
}"""


def test_a_correction_that_meets_a_newer_file_is_a_conflict_on_both_sides(
    live_server: LiveServer, small_street: SmallStreet
) -> None:
    trouble = PageTrouble()
    elder = small_street.elder_a
    person, version = elder.pk, elder.version
    with chromium() as browser:
        phone = new_page(browser, trouble, _phone(small_street))
        sign_in(phone, live_server.url, "worker1", reverse("mobile:app"))
        _app_ready(phone)
        desk = new_page(browser, trouble, {})
        sign_in(desk, live_server.url, "community1", reverse("web:phone_corrections"))
        # The phone holds the file at `version`; meanwhile staff change the number at the desk.
        assert desk.evaluate(STAFF_CORRECTS, ["/api/v1/phone/corrections", person, version]) == "applied"

        phone.context.set_offline(True)
        phone.get_by_role("button", name=str(small_street.household_a)).click()
        phone.get_by_role("listitem").filter(has_text="王秀英").get_by_role("button", name="更正电话").click()
        phone.get_by_label("王秀英的新电话").fill("13911112222")
        phone.get_by_role("button", name="保存新电话").click()
        expect(phone.locator("#queue")).to_contain_text("新电话 13911112222，待上传")
        phone.context.set_offline(False)
        phone.evaluate("() => window.dispatchEvent(new Event('online'))")
        expect(phone.locator("#conflicts")).to_contain_text("139****2222")
        expect(phone.locator("#conflicts")).to_contain_text("137****4444")

        desk.reload()
        row = desk.get_by_role("row").filter(has_text="王秀英")
        expect(row).to_contain_text("139****2222")
        row.get_by_role("button", name="采用手机端的值").click()
        expect(desk.get_by_text("已处理该更正。")).to_be_visible()
    assert not trouble, trouble
    elder.refresh_from_db()
    assert elder.phone == "13911112222"
