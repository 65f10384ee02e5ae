"""The user pages in a real Chromium (SECURITY line 24): the system admin creates an account whose
name is a row of XSS payloads, the security admin gives it a role; on every user page the payloads
stay plain text, no dialog opens and the CSP reports nothing."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.testing import SmallStreet
from qiaomen.web.tests.browser import BROWSER_MARKS, DESK, PageTrouble, chromium, new_page, sign_in

pytestmark = BROWSER_MARKS
PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_account_names_are_inert_on_the_user_pages(live_server: LiveServer, small_street: SmallStreet) -> None:
    base = str(live_server)
    trouble = PageTrouble()
    with chromium() as browser:
        system_admin = new_page(browser, trouble, DESK)
        sign_in(system_admin, base, "sysadmin", reverse("web:user_new"))
        system_admin.get_by_label("用户名").fill("xss_person")
        system_admin.get_by_label("姓名").fill(PAYLOAD)
        system_admin.get_by_label("工号").fill("XF-0666")
        system_admin.get_by_label("区域").select_option(label=small_street.grid_b.name)
        system_admin.get_by_role("button", name="创建账号").click()
        expect(system_admin.get_by_role("heading", name="账号已创建")).to_be_visible()
        system_admin.goto(base + reverse("web:user_list"))
        expect(system_admin.locator("main")).to_contain_text(PAYLOAD)
        system_admin.context.close()
    account = User.objects.get(username="xss_person")
    assert account.display_name == PAYLOAD and account.role == ""

    with chromium() as browser:
        security_admin = new_page(browser, trouble, DESK)
        sign_in(security_admin, base, "secadmin", reverse("web:user_detail", args=[account.pk]))
        expect(security_admin.locator("main")).to_contain_text(PAYLOAD)
        security_admin.get_by_label("新角色").select_option(Role.GRID_WORKER)
        security_admin.get_by_role("button", name="更改角色").click()
        expect(security_admin.get_by_text("角色已更改")).to_be_visible()
        assert security_admin.locator("img[src='x'], [onerror]").count() == 0
        security_admin.context.close()
    assert not trouble.dialogs, trouble.dialogs
    assert not trouble, trouble
    account.refresh_from_db()
    assert account.role == Role.GRID_WORKER
