"""SECURITY.md line 24: XSS payloads typed into every form of the staff pages are inert wherever
they are shown again, in a real Chromium.

Phase 1 finds the forms itself: it opens every page of the URLconf (record pages filled with grid
B's records, as the scope sweep builds them) as each persona, fills every text field of every
POST form with a payload and sends it, so a form added later is fuzzed too. The phone's visit
form posts to the API (JSON), so the API's visit and ticket operations get the payloads as well.
Phase 2 opens every page again in Chromium as the same personas: any dialog fails the test.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from qiaomen.accounts.models import User
from qiaomen.accounts.services import api_token_create
from qiaomen.registry.models import ImportBatch, Person
from qiaomen.registry.tests.import_files import HEADER, address_of, csv_write, new_id_number
from qiaomen.testing import sign_in as client_signed_in
from qiaomen.tests.test_scope_sweep import PLAIN_ROUTES, RECORD_ROUTES, GridB, grid_b  # noqa: F401 (fixture)
from qiaomen.tickets.models import Ticket
from qiaomen.web.tests.browser import BROWSER_MARKS, DESK, PageTrouble, chromium, new_page, sign_in

pytestmark = BROWSER_MARKS

MARK = "xss24"
PAYLOAD = f'{MARK}<img src=x onerror=alert(1)>"><svg onload=alert(2)><script>alert(3)</script>'
SHORT_PAYLOAD = f"{MARK}<img src=x onerror=alert(1)>"  # for fields of 64 characters (a name)
# Who fills the forms and then reads the pages: the street admin sees every place, grid B's worker
# works there, the supervisor samples tickets, the auditor reads the audit log (unmasking reasons).
PERSONAS = ["street_admin", "worker_b", "supervisor", "auditor"]
# Forms that end the session or switch the language: filling them fuzzes nothing and would sign
# the persona out (or lock the account) for the rest of the run.
SKIPPED_ACTIONS = ("/logout/", "/login/", "/i18n/setlang/")


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)  # the fields a person types into
    multipart: bool = False


class FormFinder(HTMLParser):
    """The POST forms of a page, each with its fields' default values (the first option of a
    select, the value of a hidden input) and the names of its text fields."""

    TEXT_TYPES = frozenset({"text", "search", "tel", "email", "url", ""})

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(a.get("action") or self.page_url, multipart="multipart" in a.get("enctype", ""))
            self.forms.append(self._form)
        if self._form is None or (not a.get("name") and tag != "option"):
            return
        kind = a.get("type", "").lower()
        if tag == "textarea" or (tag == "input" and kind in self.TEXT_TYPES):
            self._form.texts.append(a["name"])
        elif tag == "input" and kind in ("hidden", "number", "date", "datetime-local", "time"):
            self._form.fields[a["name"]] = a.get("value") or _default(kind)
        elif tag == "input" and kind in ("checkbox", "radio") and a["name"] not in self._form.fields:
            self._form.fields[a["name"]] = a.get("value") or "on"
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and self._select not in self._form.fields and a.get("value"):
            self._form.fields[self._select] = a["value"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _default(kind: str) -> str:
    today = timezone.localdate()
    return {
        "number": "1",
        "date": today.isoformat(),
        "datetime-local": f"{today.isoformat()}T09:00",
        "time": "09:00",
    }.get(kind, "")


def _page_urls(street_b: GridB) -> list[str]:
    records = [street_b.url(route) for route in RECORD_ROUTES if not route.unknown_parameters()]
    plain = [route.url(lambda kind: 0) for route in PLAIN_ROUTES if not route.parameters]
    return sorted({url for url in records + plain if not _is_api(url)})


def _is_api(url: str) -> bool:
    return url.startswith(("/api/", "/open311/"))


def _fill_every_form(client: Client, urls: list[str]) -> set[str]:
    """Sends each form found once with the payload in every text field; returns the actions that
    took it (a redirect or a page, not a refusal)."""
    sent: set[tuple[str, tuple[str, ...]]] = set()
    took: set[str] = set()
    for url in urls:
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        finder = FormFinder(url)
        finder.feed(page.content.decode())
        for form in finder.forms:
            key = (form.action, tuple(sorted([*form.fields, *form.texts])))
            if key in sent or form.action.startswith(SKIPPED_ACTIONS) or not form.texts:
                continue
            sent.add(key)
            data = {**form.fields, **dict.fromkeys(form.texts, PAYLOAD)}
            status = client.post(form.action, data).status_code
            assert status < 500, f"{form.action} answered {status} to a payload"
            if status in (200, 302):
                took.add(form.action)
    return took


def _api_posts(street_b: GridB) -> None:
    """The phone's visit (notes, a demand, a refusal reason) and a ticket through the API."""
    token, _ = api_token_create(user=street_b.street.users["worker_b"], request=None)
    headers = {"Authorization": f"Bearer {token}"}
    api = Client()
    household = street_b.street.household_b.pk
    visit = {
        "client_uuid": str(uuid.uuid4()),
        "household_id": household,
        "visited_at": timezone.now().isoformat(),
        "outcome": "refused",
        "refused_reason": PAYLOAD,
        "notes": PAYLOAD,
        "demands": [{"text": "楼道灯坏了 " + PAYLOAD}],
    }
    assert api.post("/api/v1/visits", visit, content_type="application/json", headers=headers).status_code == 201
    ticket = {"description": "电梯坏了 " + PAYLOAD, "subcategory": "LIF-FAC", "household_id": household}
    assert api.post("/api/v1/tickets", ticket, content_type="application/json", headers=headers).status_code == 201


def _signed_in(user: User) -> Client:
    return client_signed_in(Client(raise_request_exception=False), user)


def _pages_open_to(client: Client, urls: list[str]) -> list[str]:
    opened = []
    for url in urls:
        answer = client.get(url)
        if answer.status_code == 200 and "text/html" in answer.get("Content-Type", ""):
            opened.append(url)
    return opened


def _import_a_file(street_b: GridB, tmp_path: Path) -> None:
    """The import form takes a file, not text: a department file whose name cell is the payload."""
    row = [SHORT_PAYLOAD, new_id_number(), "", address_of(street_b.street.household_b), ""]
    path = csv_write(tmp_path / "名单.csv", [HEADER, row])
    client = _signed_in(street_b.street.users["street_admin"])
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    assert client.post(reverse("web:import_upload"), {"file": upload, "source": "civil_affairs"}).status_code == 302
    batch = ImportBatch.objects.latest("pk")
    assert client.post(reverse("web:import_confirm", args=[batch.pk])).status_code == 302
    assert Person.objects.filter(name=SHORT_PAYLOAD).exists()


def _assert_inert(page: Page, url: str) -> None:
    made = page.locator("img[src='x'], svg[onload], [onerror]").count()
    ran = [s for s in page.locator("script").evaluate_all("n => n.map(s => s.textContent)") if "alert(3)" in s]
    assert not made and not ran, url


def test_security_24_payloads_through_every_form_run_nowhere(
    live_server: LiveServer,
    grid_b: GridB,  # noqa: F811 (the scope sweep's fixture, imported above)
    tmp_path: Path,
) -> None:
    s = grid_b.street
    urls = _page_urls(grid_b)
    took: set[str] = set()
    for persona in PERSONAS:
        took |= _fill_every_form(_signed_in(s.users[persona]), urls)
    _api_posts(grid_b)
    _import_a_file(grid_b, tmp_path)
    # The control: the payloads reached the forms that keep text, and were stored as typed.
    # (The staff ticket form may ask to confirm the classifier's suggestion first, depending on the
    # model trained: tickets get the payload through the API above in any case.)
    kept_text = {reverse("web:visit_calendar"), reverse("web:visit_pauses"), reverse("web:workday_overrides")}
    assert kept_text <= took and any(action.endswith("/transfer/") for action in took), "\n".join(sorted(took))
    assert any(MARK in ticket.description for ticket in Ticket.objects.all()), "read decrypted, not searched"

    # The pages each persona opens, listed before the browser starts (no ORM calls beside it).
    pages = {persona: _pages_open_to(_signed_in(s.users[persona]), urls) for persona in PERSONAS}
    # The admins set up their authenticator again in the browser, reading the key off the page:
    # looking up a device's current code would be an ORM call beside the browser.
    TOTPDevice.objects.filter(user__in=[s.users[persona] for persona in PERSONAS]).delete()
    trouble, shown = PageTrouble(), 0
    base = str(live_server)
    with chromium() as browser:
        for persona in PERSONAS:
            page = new_page(browser, trouble, DESK)
            sign_in(page, base, s.users[persona].username, reverse("web:home"))
            for url in pages[persona]:
                page.goto(base + url)
                _assert_inert(page, url)
                shown += MARK in (page.locator("body").text_content() or "")
            page.context.close()
    assert not trouble.dialogs, trouble.dialogs
    assert not trouble.page_errors and not trouble.csp_violations, trouble
    assert shown >= 5, "the payloads are shown as text on the pages that list them"
