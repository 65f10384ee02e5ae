"""Deny by default, proved on every route (SECURITY.md line 17).

The sweep walks Django's URL resolver, so every route counts, also the ones added after this file
was written: web pages, API operations, imports, exports. Each path parameter is filled with a
record of grid B, and everyone who must not see grid B asks for it: a grid-B record must never be
answered with anything but what a record that does not exist gets (404, or the same refusal that
a role-gated route gives everybody), and no answer may show grid B's people or addresses. A route
with a parameter the sweep cannot place fails it, naming the mapping to extend, so no new route
slips through unswept. Whoever may see each record (grid B's worker; for an import, the staff
member who uploaded it) must reach the same routes, so the sweep cannot pass by everything being
broken.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.db.models import Model
from django.http import HttpResponseBase
from django.shortcuts import resolve_url
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from pytest_django.fixtures import Settings

from qiaomen.accounts.models import User
from qiaomen.accounts.screens import screen_token_create
from qiaomen.accounts.services import api_token_create
from qiaomen.analytics.models_reports import Report
from qiaomen.core.spreadsheets import XLSX_CONTENT_TYPE
from qiaomen.devices.incidents import incident_report
from qiaomen.devices.models import IncidentKind, PlanKind
from qiaomen.devices.models.devices import Device
from qiaomen.devices.plans import plan_activate, plan_save
from qiaomen.devices.tests.helpers import make_vendor
from qiaomen.participation.models.activities import Activity
from qiaomen.participation.tests.activity_helpers import participation_records
from qiaomen.participation.tests.budget_helpers import budget_records
from qiaomen.participation.tests.menu_fixtures import make_entry, make_partner, make_point
from qiaomen.participation.tests.volunteer_helpers import make_volunteers
from qiaomen.registry.models import (
    CorrectionStatus,
    DataSource,
    FieldConflict,
    ImportBatch,
    ImportStatus,
    PhoneCorrection,
    RightsKind,
)
from qiaomen.testing import SmallStreet, sign_in
from qiaomen.tests.sweep_routes import (  # the routes and their record kinds
    ALL_ROUTES,
    ALSO_INSIDERS,
    BEARER_ROUTES,
    GRID_A_WORKER,
    INSIDER_BY_KIND,
    NO_SUCH_PK,
    OUTSIDERS,
    PLAIN_ROUTES,
    PUBLISHED_ROUTES,
    RECORD_ROUTES,
    REFUSALS_BY_METHOD,
    STRICT_KINDS,
    Route,
)
from qiaomen.tickets.doorcodes.codes import door_code_issue
from qiaomen.tickets.models import Channel, PhotoKind, SpotCheck, Subcategory
from qiaomen.tickets.services import rating_link_issue, ticket_create, ticket_photos_add
from qiaomen.tickets.tests.rights_helpers import in_progress
from qiaomen.visits.models import Outcome, VerificationRequest, Visit, VisitPause


class Caller:
    """Sends requests as a persona: a session for pages, a Bearer token for the API.

    Credentials are renewed before every route, so that a route that signs out or revokes
    (logout, auth/revoke) cannot leave the rest of the sweep running anonymously.
    """

    def __init__(self, user: User | None) -> None:
        self.user = user
        # A crash is an answer too (500): the sweep reports it with the route instead of stopping.
        self.client = Client(raise_request_exception=False)
        self.headers: dict[str, str] = {}

    def sign_in(self) -> None:
        if self.user is None:
            return
        sign_in(self.client, self.user)
        token, _ = api_token_create(user=self.user, request=None)
        self.headers = {"Authorization": f"Bearer {token}"}

    def request(self, method: str, route: Route, url: str) -> HttpResponseBase:
        if route.is_api:
            # A bare client: the API must scope by the token alone, not by a session beside it.
            return getattr(Client(raise_request_exception=False), method)(url, headers=self.headers)
        return getattr(self.client, method)(url)


@dataclass(frozen=True)
class GridB:
    street: SmallStreet
    records: dict[str, Model]  # kind → a record of grid B
    markers: list[str]  # text only grid B's records hold
    rating_token: str  # the resident's one-time link for grid B's ticket
    door_token: str  # the QR door code of grid B's household (/q/<token>)
    screen_key: str  # the kiosk link of the street's wall screen (command/screen/k/<token>)

    def token_for(self, route: Route) -> str:
        if route.route.startswith("command/screen/k/"):
            return self.screen_key
        if route.route.startswith("a/"):  # the code at the door of grid B's activity
            return cast(Activity, self.records["activity"]).checkin_token
        return self.door_token if route.route.startswith("q/") else self.rating_token

    def url(self, route: Route) -> str:
        return route.url(lambda kind: self.records[kind].pk)

    def insider(self, route: Route) -> User:
        insiders = {INSIDER_BY_KIND[str(route.kind_of(name))] for _, name in route.parameters}
        if len(insiders) != 1:
            pytest.fail(f"{route.route!r} names records of different owners {insiders}: extend the sweep's control.")
        return self.street.users[insiders.pop()]


@pytest.fixture
def grid_b(small_street: SmallStreet, settings: Settings, tmp_path: Path) -> GridB:
    """Grid B's records, plus an import of grid B's people (with a conflict and rejected rows),
    a visit that asks for a verification, a visit pause over grid B and a ticket of grid B."""
    s = small_street
    person = s.resident_b
    settings.UPLOAD_DIR = tmp_path
    rejects = tmp_path / "rejected.csv"
    rejects.write_text(f"姓名,身份证号\n{person.name},{person.id_number}\n", encoding="utf-8")
    health, police = DataSource.objects.get(code="health"), DataSource.objects.get(code="police")
    batch = ImportBatch.objects.create(
        source=health,
        filename="光明社区.csv",
        file_sha256="b" * 64,
        status=ImportStatus.COMMITTED,
        created_by=s.users["street_admin"],
        counts={"rejected": 1},
        rejects_file=rejects.name,
    )
    conflict = FieldConflict.objects.create(
        person=person,
        field="phone",
        current_value=person.phone,
        current_source=police,
        incoming_value="13900003333",
        incoming_source=health,
        batch=batch,
    )
    # A correction from worker B's phone that met a newer file: waiting for review in grid B.
    correction = PhoneCorrection.objects.create(
        client_uuid=uuid.uuid4(),
        person=person,
        field="phone",
        value="13900004444",
        version_read=person.version,
        made_by=s.users["worker_b"],
        made_at=timezone.now(),
        received_at=timezone.now(),
        status=CorrectionStatus.CONFLICT,
    )
    now = timezone.now()
    visit = Visit.objects.create(
        client_uuid=uuid.uuid4(),
        household=s.household_b,
        grid=s.grid_b,
        worker=s.users["worker_b"],
        visited_at=now,
        received_at=now,
        outcome=Outcome.MISMATCH,
    )
    verification = VerificationRequest.objects.create(
        household=s.household_b, visit=visit, reason=Outcome.MISMATCH, created_at=now
    )
    today = timezone.localdate()
    pause = VisitPause.objects.create(starts_on=today, ends_on=today, reason="台风", created_by=s.users["street_admin"])
    pause.grids.add(s.grid_b)
    ticket = ticket_create(
        channel=Channel.STAFF,
        description="电梯坏了",
        subcategory=Subcategory.objects.get(code="LIF-FAC"),
        household=s.household_b,
        person=person,
        created_by=s.users["worker_b"],
    )
    spot_check = SpotCheck.objects.create(ticket=ticket, reason="sample", created_at=now)
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), (90, 90, 90)).save(photo, format="PNG")
    (ticket_photo,) = ticket_photos_add(
        ticket=ticket, user=s.users["worker_b"], raws=[photo.getvalue()], kind=PhotoKind.REPORT
    )
    rights_request = in_progress(s, person, RightsKind.SEE, by="worker_b")
    report = Report.objects.create(
        street=s.street,
        kind="monthly",
        period_label="2026-11",
        format="pdf",
        filename="月通报.pdf",
        content=b"%PDF",
        generated_at=now,
    )
    # A volunteer in each grid (grid A's signs in: persona "volunteer_a"), grid B's with hours.
    volunteers = make_volunteers(s)
    spending, disclosure = budget_records(s)
    partner = make_partner(s, "光明社区卫生站", community=s.community_2)
    menu_entry = make_entry(s, partner, "光明上门理发")
    service_point = make_point(s, "光明服务站", lat=31.21, lng=121.41, community=s.community_2)
    participation = participation_records(s)
    incident = incident_report(
        user=s.users["worker_b"], kind=IncidentKind.CONFLICT, description="住户争吵", occurred_at=now, visit=visit
    )
    plan = plan_save(
        user=s.users["street_admin"],
        street=s.street,
        kind=PlanKind.TYPHOON,
        title="防台风预案",
        steps=["逐户排查"],
        responsible_roles=["grid_worker"],
        first_tags=[],
        contacts=[],
    )
    activation = plan_activate(user=s.users["street_admin"], plan=plan, grid=s.grid_b)
    device = Device.objects.create(
        vendor=make_vendor(), serial="B-1", kind="wristband", household=s.household_b, grid_worker=s.users["worker_b"]
    )
    # Not the masked ID number: region code and check character are shared by one person in
    # eleven of the district (hole 1), so it names nobody.
    values = [person.name, person.phone_masked, s.building_b.address]
    return GridB(
        street=s,
        records={
            "household": s.household_b,
            "person": person,
            "grid": s.grid_b,
            "building": s.building_b,
            "community": s.community_2,
            "import_batch": batch,
            "conflict": conflict,
            "phone_correction": correction,
            "verification": verification,
            "pause": pause,
            "incident": incident,
            "emergency_plan": plan,
            "plan_activation": activation,
            "household_check": activation.checks.get(),
            "visit": visit,
            "ticket": ticket,
            "ticket_photo": ticket_photo,
            "user": s.users["worker_b"],
            "spot_check": spot_check,
            "subcategory": ticket.subcategory,
            "rights_request": rights_request,
            "report": report,
            "volunteer": volunteers.volunteer_b,
            "volunteer_hours": volunteers.pending_b,
            "volunteer_application": volunteers.application_b,
            "enrol_person": person,
            "catalogue_item": volunteers.item,
            "street": s.street,
            "spending": spending,
            "spending_receipt": spending.receipts.get(),
            "disclosure": disclosure,
            "partner": partner,
            "menu_entry": menu_entry,
            "service_point": service_point,
            **participation,
            "device": device,
        },
        # As they appear in HTML and in JSON, escaped or not.
        markers=[form for value in values for form in {value, json.dumps(value)[1:-1]}],
        rating_token=rating_link_issue(ticket=ticket),
        door_token=door_code_issue(household=s.household_b, user=s.users["worker_b"])[1],
        screen_key=screen_token_create(user=s.users["street_admin"], street=s.street, name="大屏", days=30)[1],
    )


def _is_login_redirect(response: HttpResponseBase) -> bool:
    return response.status_code == 302 and response["Location"].startswith(resolve_url(django_settings.LOGIN_URL))


def _redirect_path(response: HttpResponseBase) -> str:
    """Where a redirect leads, without its query: a login redirect's ?next= names the record."""
    return urlsplit(response.get("Location", "")).path


def _verdict(method: str, grid_b: HttpResponseBase, missing: HttpResponseBase) -> str | None:
    """None if the answer about grid B's record reveals nothing; otherwise what went wrong."""
    status = grid_b.status_code
    if status == 404:
        return None
    refusal = status in REFUSALS_BY_METHOD[method] or _is_login_redirect(grid_b)
    if not refusal:
        return f"answered {status}"
    if (status, _redirect_path(grid_b)) != (missing.status_code, _redirect_path(missing)):
        return f"answered {status} but {missing.status_code} for a record that does not exist"
    return None


def _text_of(response: HttpResponseBase) -> str:
    """What an answer shows: its text, or the cells of an Excel file (an export is a zip)."""
    if not hasattr(response, "content"):
        return ""
    if response.get("Content-Type", "").startswith(XLSX_CONTENT_TYPE):
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row)
    return str(response.content.decode("utf-8", errors="replace"))


def _leaks(response: HttpResponseBase, markers: list[str]) -> list[str]:
    body = _text_of(response)
    return [marker for marker in markers if marker in body]


def _persona(s: SmallStreet, name: str | None) -> User | None:
    return s.users[name] if name is not None else None


@pytest.mark.parametrize("route", RECORD_ROUTES, ids=lambda r: r.route)
def test_security_17_outsiders_get_nothing_of_grid_b_on_any_route(grid_b: GridB, route: Route) -> None:
    unknown = route.unknown_parameters()
    if unknown:
        pytest.fail(
            f"The scope sweep does not know which record the parameter(s) {unknown} of {route.route!r} "
            "stand for: add them to KIND_BY_PARAMETER (or the word before them to KIND_BY_SEGMENT), "
            "the kind to INSIDER_BY_KIND and a grid-B record to the grid_b fixture in "
            "qiaomen/tests/test_scope_sweep.py."
        )
    grid_b_url = grid_b.url(route)
    missing_url = route.url(lambda kind: NO_SUCH_PK)
    kinds = {route.kind_of(name) for _, name in route.parameters}
    strict = kinds <= STRICT_KINDS
    also_insiders = set().union(*(ALSO_INSIDERS.get(str(kind), set()) for kind in kinds))
    problems = []
    for name in [outsider for outsider in OUTSIDERS if outsider not in also_insiders]:
        caller = Caller(_persona(grid_b.street, name))
        caller.sign_in()
        for method in ("get", "post"):
            answer = caller.request(method, route, grid_b_url)
            missing = caller.request(method, route, missing_url)
            verdict = _verdict(method, answer, missing)
            if strict and name == GRID_A_WORKER and answer.status_code not in {404, 405}:
                verdict = f"answered {answer.status_code}, must be 404"
            if verdict:
                problems.append(f"{name or 'anonymous'} {method.upper()} {grid_b_url}: {verdict}")
            if leaks := _leaks(answer, grid_b.markers):
                problems.append(f"{name or 'anonymous'} {method.upper()} {grid_b_url}: shows {leaks}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", PLAIN_ROUTES, ids=lambda r: r.route or "/")
def test_pages_without_a_record_show_outsiders_nothing_of_grid_b(grid_b: GridB, route: Route) -> None:
    """Lists, searches, trees and dashboards: grid B's people and addresses never appear."""
    url = route.url(lambda kind: 0)
    problems = []
    for name in OUTSIDERS:
        caller = Caller(_persona(grid_b.street, name))
        caller.sign_in()
        if leaks := _leaks(caller.request("get", route, url), grid_b.markers):
            problems.append(f"{name or 'anonymous'} GET {url}: shows {leaks}")
    assert not problems, "\n".join(problems)


def test_whoever_may_see_a_grid_b_record_reaches_it_through_every_route(grid_b: GridB) -> None:
    """The control: each record exists and each route works for the one who may see it, so the
    404s above come from scoping, not from broken routes or a wrong record."""
    problems, opened = [], set()
    for route in RECORD_ROUTES:
        if route.unknown_parameters():
            continue  # reported by test_security_17_outsiders_get_nothing_of_grid_b_on_any_route
        insider = grid_b.insider(route)
        caller = Caller(insider)
        caller.sign_in()
        url = grid_b.url(route)
        status = caller.request("get", route, url).status_code
        kinds = {route.kind_of(name) for _, name in route.parameters}
        if status == 404:
            problems.append(f"{insider.username} GET {url}: 404")
        if kinds <= STRICT_KINDS and status not in {200, 405}:
            problems.append(f"{insider.username} GET {url}: {status}, expected 200 (or 405 for a POST-only route)")
        if status == 200:
            opened |= {(kind, "api" if route.is_api else "page") for kind in kinds}
    assert not problems, "\n".join(problems)
    assert {("household", "page"), ("household", "api"), ("person", "page"), ("person", "api")} <= opened


@pytest.mark.parametrize("route", PUBLISHED_ROUTES, ids=lambda r: r.route)
def test_published_records_show_nothing_of_grid_bs_people(grid_b: GridB, route: Route) -> None:
    """Everyone reads grid B's ticket through Open311 (it is public), and nobody reads there
    grid B's people, address or the ticket's own words (it came in by phone, not by Open311)."""
    url = grid_b.url(route)
    description = str(getattr(grid_b.records["ticket"], "description", ""))
    assert description
    markers = [*grid_b.markers, description, json.dumps(description)[1:-1]]
    problems = []
    for name in OUTSIDERS:
        caller = Caller(_persona(grid_b.street, name))
        caller.sign_in()
        answer = caller.request("get", route, url)
        if answer.status_code != 200:
            problems.append(f"{name or 'anonymous'} GET {url}: answered {answer.status_code}, it is published")
        if leaks := _leaks(answer, markers):
            problems.append(f"{name or 'anonymous'} GET {url}: shows {leaks}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", BEARER_ROUTES, ids=lambda r: r.route)
def test_token_pages_answer_only_the_token_and_show_no_address(grid_b: GridB, route: Route) -> None:
    """A token route is reachable by anyone holding the token, so what it shows must say nothing
    about where or who (a forwarded link); a made-up token is a plain 404."""
    good = "/" + re.sub(r"<(?:\w+:)?\w+>", grid_b.token_for(route), route.route)
    made_up = "/" + re.sub(r"<(?:\w+:)?\w+>", "no-such-token", route.route)
    anonymous = Client(raise_request_exception=False)
    answer = anonymous.get(good)
    assert answer.status_code == 200
    assert not _leaks(answer, grid_b.markers)
    assert anonymous.get(made_up).status_code == 404


def test_the_sweep_sees_the_api_and_the_pages() -> None:
    """Guards the walk itself: if it stopped descending into includes, the sweep would be empty."""
    routes = {route.route for route in ALL_ROUTES}
    assert {"api/v1/households/<int:household_id>", "api/v1/persons/<int:person_id>"} <= routes
    assert any(not route.is_api and route.parameters for route in ALL_ROUTES)
    assert {route.route for route in PUBLISHED_ROUTES} == {
        "open311/v2/requests/<int:service_request_id>.json",
        "open311/v2/requests/<int:service_request_id>.xml",
        "disclosures/<int:disclosure_id>/",
        "disclosures/<int:disclosure_id>/pdf",
    }
