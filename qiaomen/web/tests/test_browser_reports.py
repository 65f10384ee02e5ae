"""The reports page in a real Chromium: under the CSP nothing breaks, and the browser saves the
download under its Chinese name."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from qiaomen.testing import SmallStreet
from qiaomen.web.tests.browser import BROWSER_MARKS, DESK, PageTrouble, chromium, new_page, sign_in

pytestmark = BROWSER_MARKS


def test_a_supervisor_downloads_the_bulletin_as_a_pdf(live_server: LiveServer, small_street: SmallStreet) -> None:
    base = str(live_server)
    trouble = PageTrouble()
    with chromium() as browser:
        page = new_page(browser, trouble, {**DESK, "accept_downloads": True})
        sign_in(page, base, "supervisor", reverse("web:command_reports"))
        page.get_by_label("报表").select_option("monthly")
        page.get_by_label("周期").fill("2026-11")
        page.get_by_label("格式").select_option("pdf")
        with page.expect_download() as download:
            page.get_by_role("button", name="下载").click()
        assert download.value.suggested_filename == "幸福街道_2026年11月_月通报.pdf"
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
        page.context.close()
    assert not trouble, trouble
