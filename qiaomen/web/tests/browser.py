"""Shared setup of the browser tests around the residents' QR page (test_browser_resident,
test_browser_xss): Chromium with the project's flags, a page on a phone or a desk, the browser
mark (a browser test fails where Chromium is missing), and a household's door page.

Launch flags, CSP reporter and trouble watcher are test_browser_visit's; the context, page and
sign-in helpers test_browser_ticket's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from pytest_django.live_server_helper import LiveServer

from qiaomen.registry.models import DoorCode
from qiaomen.testing import SmallStreet
from qiaomen.tickets.doorcodes.codes import door_code_issue
from qiaomen.web.tests.test_browser_ticket import _context, _page
from qiaomen.web.tests.test_browser_ticket import _sign_in as sign_in
from qiaomen.web.tests.test_browser_visit import CHROMIUM, CHROMIUM_FLAGS, PageTrouble

__all__ = ["BROWSER_MARKS", "DESK", "PHONE", "PageTrouble", "chromium", "household_a_door", "new_page", "sign_in"]

BROWSER_MARKS = [pytest.mark.browser]  # without Chromium they fail (qiaomen/conftest.py)
PHONE: dict[str, object] = {"viewport": ViewportSize(width=390, height=844), "is_mobile": True, "has_touch": True}
DESK: dict[str, object] = {"viewport": ViewportSize(width=1280, height=800)}


@contextmanager
def chromium() -> Iterator[Browser]:
    """Playwright's sync API runs an event loop in this thread, so Django refuses ORM calls while
    the browser is open: touch the database only before and after this block."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser, trouble: PageTrouble, options: dict[str, object]) -> Page:
    """A page in a context of its own (its own cookies), watched for trouble."""
    return _page(_context(browser, trouble, **options), trouble)


def household_a_door(live_server: LiveServer, street: SmallStreet) -> tuple[DoorCode, str]:
    """A fresh household code of household A, issued by its grid worker, and its page's full URL."""
    code, token = door_code_issue(household=street.household_a, user=street.users["worker_a"])
    return code, str(live_server) + reverse("public:door", args=[token])
