"""The visits API: POST /visits (idempotent on client_uuid), photos, the visit list, the work list
and coverage; each scoped to the caller's places. Simultaneous copies: test_visits_concurrency.py."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from PIL import Image
from pytest_django.fixtures import Settings

from qiaomen.accounts.roles import Role
from qiaomen.testing import SmallStreet, make_user
from qiaomen.tickets.models import Ticket
from qiaomen.visits.models import Outcome, VerificationRequest, Visit
from qiaomen.visits.photos import MAX_PHOTO_BYTES
from qiaomen.web.tests.visit_helpers import MET_ANSWERS, NOW, record_visit, visits_clock  # noqa: F401

pytestmark = pytest.mark.usefixtures("visits_clock")
Headers = Callable[[str], dict[str, str]]
VISITS = "/api/v1/visits"


def visit_payload(household_id: int, **changes: Any) -> dict[str, Any]:
    """A visit as the phone sends it: met an hour ago in Shanghai time, nothing else to report."""
    return {
        "client_uuid": str(uuid.uuid4()),
        "household_id": household_id,
        "visited_at": "2026-11-16T09:00:00+08:00",
        "outcome": "met",
        "answers": MET_ANSWERS,
        **changes,
    }


def post_visit(client: Client, headers: dict[str, str], payload: dict[str, Any]) -> Any:
    return client.post(VISITS, payload, content_type="application/json", headers=headers)


def photos_url(visit: Visit) -> str:
    return f"{VISITS}/{visit.pk}/photos"


def jpeg(colour: tuple[int, int, int] = (10, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(out, format="JPEG")
    return out.getvalue()


def upload(name: str, data: bytes) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


# --- recording ---------------------------------------------------------------------------------


def test_a_visit_is_recorded_and_answered_from_the_stored_row(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    payload = visit_payload(
        s.household_a.pk,
        lat=31.2,
        lng=121.4,
        answers={"safety": "安全", "health": "良好"},
        policies=["pension", "elderly_allowance"],
        demands=[
            {"text": "希望安装扶手", "resolved_on_spot": False, "subcategory": "LIF-MEAL"},
            {"text": "咨询医保报销", "resolved_on_spot": True},
        ],
        notes="老人精神不错",
    )

    response = post_visit(client, bearer("worker_a"), payload)

    assert response.status_code == 201, response.content
    visit = Visit.objects.get()
    body = response.json()
    # Demand texts are encrypted: found by reading them, not by a filter on the column.
    [ticket] = [t for t in Ticket.objects.filter(demand__isnull=False) if t.description == "希望安装扶手"]
    assert body == {
        "id": visit.pk,
        "client_uuid": payload["client_uuid"],
        "household_id": s.household_a.pk,
        "visited_at": "2026-11-16T01:00:00Z",
        "received_at": "2026-11-16T02:00:00Z",
        "outcome": "met",
        "contact_mode": "in_person",
        "distance_m": 0,
        "accuracy_m": None,
        "far_from_building": False,
        "policies": ["elderly_allowance", "pension"],
        "answers": {"health": "良好", "safety": "安全"},
        "demands": [
            {"id": body["demands"][0]["id"], "text": "希望安装扶手", "resolved_on_spot": False, "ticket_id": ticket.pk},
            {
                "id": body["demands"][1]["id"],
                "text": "咨询医保报销",
                "resolved_on_spot": True,
                "ticket_id": body["demands"][1]["ticket_id"],
            },
        ],
        "verification_queued": False,
        "photos_expected": 0,
        "photos_received": 0,
        "complete": True,
    }
    # Chinese travels as UTF-8, not \uXXXX; the notes are stored, never echoed.
    assert "希望安装扶手".encode() in response.content and b"\\u" not in response.content
    assert "notes" not in body and visit.notes == "老人精神不错"
    assert visit.worker == s.users["worker_a"]


def test_the_same_client_uuid_again_is_answered_with_the_first_status_and_body(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    headers = bearer("worker_a")
    payload = visit_payload(small_street.household_a.pk, demands=[{"text": "楼道灯坏了"}])

    first = post_visit(client, headers, payload)
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        # Resent later, even with other content: nothing is recorded twice or changed.
        again = post_visit(client, headers, {**payload, "outcome": "not_home", "answers": {}})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert Visit.objects.count() == 1 and Visit.objects.get().demands.count() == 1


def test_moved_out_puts_the_household_in_the_verification_queue(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    response = post_visit(client, bearer("worker_a"), visit_payload(small_street.household_a.pk, outcome="moved_out"))

    assert response.status_code == 201
    assert response.json()["verification_queued"] is True
    assert VerificationRequest.objects.filter(household=small_street.household_a).exists()


def test_a_visit_synced_three_days_later_counts_for_the_period_in_which_it_happened(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    """Made at 23:30 on 31 October in Shanghai, sent on 3 November: it is October's visit."""
    synced_at = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(synced_at, tick=False):
        headers = bearer("worker_a")
        response = post_visit(
            client, headers, visit_payload(small_street.household_a.pk, visited_at="2026-10-31T23:30:00+08:00")
        )
        october = client.get("/api/v1/coverage", {"period": "2026-10"}, headers=headers).json()
        november = client.get("/api/v1/coverage", {"period": "2026-11"}, headers=headers).json()

    assert response.status_code == 201
    assert response.json()["visited_at"] == "2026-10-31T15:30:00Z"
    assert response.json()["received_at"] == "2026-11-03T02:00:00Z"
    assert (october["total"]["covered"], november["total"]["covered"]) == (1, 0)


def test_a_household_outside_the_workers_grid_is_404_and_nothing_is_recorded(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    response = post_visit(client, bearer("worker_a"), visit_payload(small_street.household_b.pk))

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到"}
    assert not Visit.objects.exists()


@pytest.mark.parametrize("persona", ["supervisor", "building_chief", "street_admin", "auditor"])
def test_roles_that_do_not_knock_on_doors_get_403(
    client: Client, small_street: SmallStreet, bearer: Headers, persona: str
) -> None:
    response = post_visit(client, bearer(persona), visit_payload(small_street.household_a.pk))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_without_credentials_the_answer_is_401(client: Client, small_street: SmallStreet) -> None:
    assert post_visit(client, {}, visit_payload(small_street.household_a.pk)).status_code == 401


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"visited_at": "2026-11-16T09:00:00"}, "visited_at_no_offset"),
        ({"visited_at": "2026-11-17T09:00:00+08:00"}, "visited_at_future"),
        ({"visited_at": "2026-08-01T09:00:00+08:00"}, "visited_at_too_old"),
        ({"outcome": "refused", "answers": {}}, "refused_reason_required"),
        ({"lat": 31.2}, "position_incomplete"),
        ({"policies": ["no_such_policy"]}, "policy_unknown"),
        ({"visit_type": "no_such_type"}, "visit_type_unknown"),
        ({"demands": [{"text": "   "}]}, "demand_empty"),
        ({"demands": [{"text": "修水管", "subcategory": "NO-SUCH"}]}, "subcategory_unknown"),
        ({"outcome": "sleeping"}, "invalid_input"),
        ({"client_uuid": "not-a-uuid"}, "invalid_input"),
    ],
)
def test_security_27_invalid_visits_answer_422_with_a_code_and_record_nothing(
    client: Client, small_street: SmallStreet, bearer: Headers, changes: dict[str, Any], code: str
) -> None:
    response = post_visit(client, bearer("worker_a"), visit_payload(small_street.household_a.pk, **changes))

    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert not Visit.objects.exists()


def test_a_client_uuid_used_by_another_worker_is_a_conflict_not_their_visit(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    payload = visit_payload(small_street.household_a.pk, demands=[{"text": "需要助餐"}])
    assert post_visit(client, bearer("worker_a"), payload).status_code == 201

    response = post_visit(client, bearer("community_staff"), payload)

    assert response.status_code == 409
    assert response.json()["code"] == "client_uuid_taken"
    assert "需要助餐" not in response.content.decode()


def test_the_offline_outbox_posts_with_the_session_and_its_csrf_token(
    small_street: SmallStreet,
) -> None:
    """The visit page's outbox (visits.js) sends to the URL and with the token the page gives it."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(small_street.users["worker_a"])
    page = browser.get(reverse("web:visit_new", args=[small_street.household_a.pk])).content.decode()
    api_url = re.search(r'data-api-url="([^"]+)"', page)
    token = re.search(r'data-csrf="([^"]+)"', page)
    assert api_url and token and api_url.group(1) == VISITS
    payload = visit_payload(small_street.household_a.pk)

    refused = browser.post(VISITS, payload, content_type="application/json")
    sent = browser.post(VISITS, payload, content_type="application/json", headers={"X-CSRFToken": token.group(1)})

    assert refused.status_code == 403
    assert sent.status_code == 201 and Visit.objects.get().worker == small_street.users["worker_a"]


# --- the visit list ------------------------------------------------------------------------------


def test_a_households_visits_are_listed_newest_first(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    older = record_visit(s, s.household_a, outcome=Outcome.NOT_HOME, at=NOW - dt.timedelta(days=2))
    newer = record_visit(s, s.household_a, demands=("门锁坏了",))
    record_visit(s, s.household_b, worker="worker_b")

    response = client.get(VISITS, {"household_id": s.household_a.pk}, headers=bearer("worker_a"))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [newer.pk, older.pk]
    assert body["items"][0]["demands"][0]["text"] == "门锁坏了"


def test_without_a_household_the_list_holds_the_visits_of_the_callers_places(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    visit_a = record_visit(s, s.household_a)
    visit_b = record_visit(s, s.household_b, worker="worker_b")

    def listed(persona: str, **params: int) -> list[int]:
        return [item["id"] for item in client.get(VISITS, params, headers=bearer(persona)).json()["items"]]

    assert listed("worker_a") == [visit_a.pk]
    assert listed("worker_b") == [visit_b.pk]
    assert sorted(listed("supervisor")) == sorted([visit_a.pk, visit_b.pk])
    assert listed("supervisor", limit=1, offset=1) != listed("supervisor", limit=1)


def test_the_visits_of_a_household_outside_the_callers_places_are_404(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    record_visit(small_street, small_street.household_b, worker="worker_b")

    response = client.get(VISITS, {"household_id": small_street.household_b.pk}, headers=bearer("worker_a"))

    assert response.status_code == 404


# --- photos ------------------------------------------------------------------------------------------


@pytest.fixture
def uploads(settings: Settings, tmp_path: Path) -> Path:
    settings.UPLOAD_DIR = tmp_path
    return tmp_path


def test_a_photo_is_added_to_the_workers_visit(
    client: Client, small_street: SmallStreet, bearer: Headers, uploads: Path
) -> None:
    visit = record_visit(small_street, small_street.household_a)

    response = client.post(photos_url(visit), {"file": upload("门牌.jpg", jpeg())}, headers=bearer("worker_a"))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["visit_id"] == visit.pk and body["content_type"] == "image/jpeg"
    assert visit.photos.count() == 1 and len(list(uploads.rglob("*.jpg"))) == 1


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, "photo_type"),  # a renamed executable
        ("big.jpg", b"\xff\xd8\xff" + b"\x00" * MAX_PHOTO_BYTES, "photo_too_large"),
    ],
    ids=["renamed exe", "oversized"],
)
def test_a_file_that_is_not_an_acceptable_photo_is_refused(
    client: Client, small_street: SmallStreet, bearer: Headers, uploads: Path, name: str, data: bytes, code: str
) -> None:
    visit = record_visit(small_street, small_street.household_a)

    response = client.post(photos_url(visit), {"file": upload(name, data)}, headers=bearer("worker_a"))

    assert response.status_code == 422
    assert response.json()["code"] == code
    assert not visit.photos.exists() and not any(uploads.rglob("*.*"))


def test_a_photo_needs_a_visit_of_the_callers_places_and_of_their_own(
    client: Client, small_street: SmallStreet, bearer: Headers, uploads: Path
) -> None:
    s = small_street
    visit_b = record_visit(s, s.household_b, worker="worker_b")
    visit_a = record_visit(s, s.household_a)
    s.users["worker_a2"] = make_user("worker1b", Role.GRID_WORKER, places=(s.grid_a,))

    def send(persona: str, visit: Visit) -> int:
        return client.post(photos_url(visit), {"file": upload("a.jpg", jpeg())}, headers=bearer(persona)).status_code

    assert send("worker_a", visit_b) == 404
    assert send("worker_a2", visit_a) == 403  # the same grid, someone else's knock
    assert send("supervisor", visit_a) == 403  # sees visits, records none
    assert send("community_staff", visit_a) == 201  # staff of the visit's places


# --- the work list ----------------------------------------------------------------------------------


def test_the_work_list_names_the_workers_due_households_in_walking_order(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street

    response = client.get("/api/v1/worklist", headers=bearer("worker_a"))

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "household_id": s.household_a.pk,
                "address": f"{s.building_a.address}1单元101室",
                "tier": "due_special",
                "remaining": 2,
                "overdue": False,
                "special": True,
                "suggest_other_contact": False,
                "phone_contact": False,
                "last_visit_at": None,
                "building": {"id": s.building_a.pk, "lat": 31.2, "lng": 121.4},
            }
        ],
        "count": 1,
        "walking_distance_m": 0,
        "start": {"lat": 31.2, "lng": 121.4},
        "paused_reason": "",
    }


def test_a_recorded_visit_lowers_what_remains_and_the_start_follows_the_worker(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    headers = bearer("worker_a")
    assert post_visit(client, headers, visit_payload(small_street.household_a.pk)).status_code == 201

    body = client.get("/api/v1/worklist", {"lat": "31.21", "lng": "121.4"}, headers=headers).json()

    assert body["items"][0]["remaining"] == 1
    assert body["items"][0]["last_visit_at"] == "2026-11-16T01:00:00Z"
    assert body["start"] == {"lat": 31.21, "lng": 121.4}
    assert body["walking_distance_m"] > 1000


def test_the_work_list_is_scoped_to_the_callers_places(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street

    def households(persona: str, **params: int) -> list[int]:
        response = client.get("/api/v1/worklist", params, headers=bearer(persona))
        assert response.status_code == 200
        return [item["household_id"] for item in response.json()["items"]]

    assert households("worker_b") == [s.household_b.pk]
    assert sorted(households("street_admin")) == sorted([s.household_a.pk, s.household_b.pk])
    assert households("street_admin", grid=s.grid_b.pk) == [s.household_b.pk]
    assert client.get("/api/v1/worklist", {"grid": s.grid_b.pk}, headers=bearer("worker_a")).status_code == 404
    assert client.get("/api/v1/worklist", headers=bearer("building_chief")).status_code == 403


def test_a_start_position_needs_both_coordinates(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    response = client.get("/api/v1/worklist", {"lat": "31.2"}, headers=bearer("worker_a"))

    assert response.status_code == 422
    assert response.json()["code"] == "position_incomplete"


# --- coverage ------------------------------------------------------------------------------------------


def test_coverage_figures_per_street_community_and_grid(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    record_visit(s, s.household_a)
    record_visit(s, s.household_b, outcome=Outcome.REFUSED, worker="worker_b")

    response = client.get("/api/v1/coverage", headers=bearer("street_admin"))

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"label": "2026-11", "kind": "month", "first_day": "2026-11-01", "last_day": "2026-11-30"}
    assert body["total"] == {
        "households": 2,
        "covered": 1,
        "refused": 1,
        "paused": 0,
        "rate": 0.5,
        "special_households": 1,
        "special_covered": 1,
        "special_rate": 1.0,
        "meets_targets": False,
    }
    assert [row["name"] for row in body["communities"]] == sorted(["和平社区", "光明社区"])
    grids = {row["code"]: row for row in body["grids"]}
    assert grids["XF01-01"]["name"] == "和平一网格" and grids["XF01-01"]["rate"] == 1.0
    assert grids["XF02-01"]["community_id"] == s.community_2.pk and grids["XF02-01"]["refused"] == 1
    assert (body["never_visited_count"], body["special_not_visited_this_month_count"]) == (0, 0)
    assert (body["target_overall"], body["target_special"]) == (0.95, 1.0)


def test_coverage_of_a_quarter_is_scoped_to_the_callers_places(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    response = client.get("/api/v1/coverage", {"period": "2026-Q4"}, headers=bearer("worker_a"))

    assert response.status_code == 200
    body = response.json()
    assert body["period"]["label"] == "2026-Q4" and body["period"]["last_day"] == "2026-12-31"
    assert [row["code"] for row in body["grids"]] == ["XF01-01"]
    assert [row["name"] for row in body["communities"]] == ["和平社区"]
    assert body["total"]["households"] == 1 and body["never_visited_count"] == 1
    assert body["special_not_visited_this_month_count"] == 1


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "november", "2026"])
def test_a_period_that_is_neither_a_month_nor_a_quarter_is_422(
    client: Client, small_street: SmallStreet, bearer: Headers, period: str
) -> None:
    response = client.get("/api/v1/coverage", {"period": period}, headers=bearer("worker_a"))

    assert response.status_code == 422
    assert response.json()["code"] == "period_invalid"


def test_roles_without_visits_get_no_coverage(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    assert client.get("/api/v1/coverage", headers=bearer("dept_handler")).status_code == 403
