"""Open311 service requests: who may create them and what a key reads back, what a refused one
leaves (nothing), where a created one goes (a ticket with channel api in the right department's
inbox), how our statuses read as open/closed, and the date filters of GET requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import DjangoAssertNumQueries, Settings

from qiaomen.open311.keys import open311_key_create, open311_key_revoke
from qiaomen.open311.models import Open311Key, Open311Request
from qiaomen.open311.tests.open311_helpers import BASE, FORMATS, PostRequest, assert_errors, read_json
from qiaomen.testing import SmallStreet, make_building
from qiaomen.tickets.models import OPEN_STATUSES, Channel, Status, Subcategory, Ticket
from qiaomen.tickets.selectors import ticket_inbox
from qiaomen.tickets.services import (
    MAX_DESCRIPTION,
    ticket_accept,
    ticket_create,
    ticket_resolve,
    ticket_resubmit,
    ticket_return,
    ticket_start,
)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def created_id(answer: Any) -> int:
    assert answer.status_code == 201, answer.content.decode()
    return int(read_json(answer)[0]["service_request_id"])


def listed(client: Client, key: str, **params: str) -> list[int]:
    answer = client.get(f"{BASE}/requests.json", {"api_key": key, **params})
    assert answer.status_code == 200, answer.content.decode()
    return [item["service_request_id"] for item in read_json(answer)]


# --- keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("api_key", [None, "", "not-a-key", "revoked"])
def test_creating_without_a_live_key_is_403_and_creates_nothing(
    post_request: PostRequest, open311_key: tuple[str, Open311Key], fmt: str, api_key: str | None
) -> None:
    if api_key == "revoked":
        api_key = open311_key[0]
        open311_key_revoke(name=open311_key[1].name)
    answer = post_request(fmt, api_key=api_key)
    assert_errors(answer, fmt, 403, "api_key_invalid")
    assert not Ticket.objects.exists() and not Open311Request.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_reading_needs_no_key_but_a_key_that_is_sent_must_be_live(
    client: Client, post_request: PostRequest, open311_key: tuple[str, Open311Key], fmt: str
) -> None:
    number = created_id(post_request())
    assert client.get(f"{BASE}/requests.{fmt}").status_code == 200
    assert client.get(f"{BASE}/requests/{number}.{fmt}").status_code == 200
    # The key also works as a header, out of URLs and access logs.
    answer = client.get(f"{BASE}/requests/{number}.{fmt}", headers={"X-Api-Key": open311_key[0]})
    assert answer.status_code == 200
    open311_key_revoke(name=open311_key[1].name)
    for api_key in ("not-a-key", open311_key[0]):
        assert_errors(client.get(f"{BASE}/requests.{fmt}", {"api_key": api_key}), fmt, 403, "api_key_invalid")
        answer = client.get(f"{BASE}/requests/{number}.{fmt}", {"api_key": api_key})
        assert_errors(answer, fmt, 403, "api_key_invalid")


def test_a_key_reads_its_own_requests_as_sent_and_every_other_ticket_as_anyone_does(
    client: Client, small_street: SmallStreet, post_request: PostRequest, open311_key: tuple[str, Open311Key]
) -> None:
    mine = created_id(post_request(description="请打13800001111找我"))
    other_key, _ = open311_key_create(name="另一个平台")
    theirs = created_id(post_request(api_key=other_key, description="请打13900002222找我"))
    staff = ticket_create(
        channel=Channel.STAFF,
        description="电话反映：助餐",
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=small_street.household_a,
        created_by=small_street.users["worker_a"],
    )
    assert listed(client, open311_key[0]) == [staff.pk, theirs, mine]
    assert listed(client, open311_key[0], service_request_id=f"{mine},{theirs},{staff.pk}") == [staff.pk, theirs, mine]

    def item(number: int, key: str) -> dict[str, Any]:
        answer = client.get(f"{BASE}/requests/{number}.json", {"api_key": key})
        assert answer.status_code == 200
        return read_json(answer)[0]

    own = item(mine, open311_key[0])
    assert own["description"] == "请打13800001111找我" and own["address"]
    public = item(theirs, open311_key[0])
    assert public["description"] == "请打〔电话已隐去〕找我" and public["address"] is None
    assert item(theirs, other_key)["description"] == "请打13900002222找我"
    assert item(staff.pk, open311_key[0])["description"] is None


# --- bad input changes nothing --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_service_code_and_location_are_400_together(post_request: PostRequest, fmt: str) -> None:
    answer = post_request(fmt, service_code="", address_string="", lat="", long="")
    assert_errors(answer, fmt, 400, "service_code_required", "location_required")
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_is_404_and_creates_nothing(post_request: PostRequest, fmt: str) -> None:
    assert_errors(post_request(fmt, service_code="POTHOLE"), fmt, 404, "service_not_found")
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({"lat": "31.2", "address_string": ""}, ["lat_long_pair", "location_required"]),
        ({"long": "121.4"}, ["lat_long_pair"]),
        ({"lat": "abc", "long": "121.4"}, ["lat_invalid"]),
        ({"lat": "31.2", "long": "nan"}, ["long_invalid"]),
        ({"lat": "91", "long": "200"}, ["lat_invalid", "long_invalid"]),
        ({"phone": "12345"}, ["phone_invalid"]),
        ({"email": "not-an-email"}, ["email_invalid"]),
        ({"media_url": "javascript:alert(1)"}, ["media_url_invalid"]),
        ({"description": "长" * (MAX_DESCRIPTION + 1)}, ["description_too_long"]),
        ({"first_name": "名" * 101, "device_id": "d" * 201}, ["first_name_too_long", "device_id_too_long"]),
        ({"service_code": "EMG-HEALTH"}, ["attribute_required"]),
        ({"service_code": "EMG-HEALTH", "attribute[HEALTH_CONSENT]": "maybe"}, ["attribute_invalid"]),
    ],
)
def test_bad_fields_are_400_with_our_codes_and_change_nothing(
    post_request: PostRequest, fields: dict[str, str], codes: list[str]
) -> None:
    assert_errors(post_request("json", **fields), "json", 400, *codes)
    assert not Ticket.objects.exists() and not Open311Request.objects.exists()


def test_posts_are_limited_per_key(post_request: PostRequest, settings: Settings, small_street: SmallStreet) -> None:
    settings.OPEN311_POSTS_PER_MINUTE = 2
    created_id(post_request())
    created_id(post_request())
    limited = post_request("xml")
    assert_errors(limited, "xml", 429, "rate_limited")
    assert limited["Retry-After"] == "60"
    assert Ticket.objects.count() == 2
    other_key, _ = open311_key_create(name="另一个平台")
    created_id(post_request(api_key=other_key))  # another key has its own allowance
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        created_id(post_request())


def test_posting_needs_no_csrf_token(small_street: SmallStreet, open311_key: tuple[str, Open311Key]) -> None:
    client = Client(enforce_csrf_checks=True)
    answer = client.post(
        f"{BASE}/requests.json",
        {"api_key": open311_key[0], "service_code": "LIF-FAC", "lat": "31.2", "long": "121.4", "description": "灯坏了"},
    )
    assert created_id(answer)


# --- where a created request goes ----------------------------------------------------------------


def test_a_request_becomes_an_api_ticket_in_the_departments_inbox(
    client: Client, small_street: SmallStreet, post_request: PostRequest, open311_key: tuple[str, Open311Key]
) -> None:
    number = created_id(post_request())
    ticket = Ticket.objects.get(pk=number)
    assert ticket.channel == Channel.API
    assert ticket.subcategory.code == "LIF-MEAL" and ticket.department.code == "minzheng"
    assert ticket.status == Status.ROUTED
    # The address posted (flat_address) is household A's flat, in grid A.
    assert ticket.household == small_street.household_a and ticket.grid == small_street.grid_a
    assert ticket.callback_phone == "13800001111"
    assert ticket.suggestion, "the classifier read the text"
    inbox = ticket_inbox(small_street.users["dept_handler"], now=timezone.now())
    assert ticket in inbox
    assert listed(client, open311_key[0]) == [number]


def test_the_submitters_contact_is_encrypted_at_rest(post_request: PostRequest) -> None:
    number = created_id(post_request())
    stored = Open311Request.objects.get(ticket_id=number)
    assert (stored.first_name, stored.last_name, stored.email, stored.phone) == (
        "秀英",
        "王",
        "wang@example.cn",
        "13800001111",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, first_name, last_name, phone FROM open311_open311request WHERE ticket_id = %s", [number]
        )
        raw = " ".join(cursor.fetchone())
    for clear in ("wang@example.cn", "秀英", "13800001111"):
        assert clear not in raw


def test_a_health_request_keeps_the_consent_it_was_given(post_request: PostRequest) -> None:
    fields = {"service_code": "LIF-MED", "description": "想请家庭医生上门看看高血压"}
    yes = created_id(post_request(**fields, **{"attribute[HEALTH_CONSENT]": "yes"}))
    no = created_id(post_request(**fields, **{"attribute[HEALTH_CONSENT]": "no"}))
    assert Ticket.objects.get(pk=yes).health_consent is True
    assert Ticket.objects.get(pk=no).health_consent is False


def test_coordinates_find_the_nearest_building_within_reach(
    small_street: SmallStreet, post_request: PostRequest
) -> None:
    # Building A stands at 31.2, 121.4 (grid A); ~30 m north is still it, ~1 km away is nothing.
    near = created_id(post_request(address_string=None, lat="31.20027", long="121.4"))
    far = created_id(post_request(address_string=None, lat="31.21", long="121.39"))
    assert Ticket.objects.get(pk=near).grid == small_street.grid_a
    assert Ticket.objects.get(pk=near).household is None
    assert Ticket.objects.get(pk=far).grid is None


def test_an_address_of_a_known_building_but_unknown_flat_gives_the_grid(
    small_street: SmallStreet, post_request: PostRequest
) -> None:
    building = make_building(small_street.grid_b, 9, lat=31.3, lng=121.5)
    number = created_id(post_request(address_string=f"{building.address}5单元601室"))
    ticket = Ticket.objects.get(pk=number)
    assert ticket.household is None and ticket.grid == small_street.grid_b


def test_a_street_key_is_bound_to_its_jurisdiction(small_street: SmallStreet, post_request: PostRequest) -> None:
    key, _ = open311_key_create(name="幸福街道平台", street_code="XF")
    assert created_id(post_request(api_key=key, jurisdiction_id="XF"))
    answer = post_request(api_key=key, jurisdiction_id="OTHER")
    assert_errors(answer, "json", 404, "jurisdiction_not_found")


# --- statuses ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", Status.values)
def test_our_statuses_read_as_open_or_closed(
    client: Client, post_request: PostRequest, open311_key: tuple[str, Open311Key], status: str
) -> None:
    number = created_id(post_request())
    Ticket.objects.filter(pk=number).update(status=status)
    expected = "open" if status in OPEN_STATUSES else "closed"
    assert expected == ("closed" if status in {"resolved", "closed", "merged"} else "open")
    (item,) = read_json(client.get(f"{BASE}/requests/{number}.json", {"api_key": open311_key[0]}))
    assert item["status"] == expected
    assert listed(client, open311_key[0], status=expected) == [number]
    assert listed(client, open311_key[0], status="closed" if expected == "open" else "open") == []
    assert listed(client, open311_key[0], status="open,closed") == [number]


def test_status_notes_follow_the_handling(
    client: Client, small_street: SmallStreet, post_request: PostRequest, open311_key: tuple[str, Open311Key]
) -> None:
    handler = small_street.users["dept_handler"]
    number = created_id(post_request())

    def item() -> dict[str, Any]:
        return read_json(client.get(f"{BASE}/requests/{number}.json", {"api_key": open311_key[0]}))[0]

    created = item()
    assert (created["status"], created["status_notes"]) == ("open", "已转民政，等待受理")
    resolve_by = Ticket.objects.get(pk=number).resolve_by
    assert resolve_by is not None
    assert created["expected_datetime"] == resolve_by.astimezone(SHANGHAI).isoformat(timespec="seconds")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        ticket_return(ticket=Ticket.objects.get(pk=number), user=handler, reason="请告知老人几点方便送餐")
    returned = item()
    assert returned["status_notes"] == "需要补充信息：请告知老人几点方便送餐"
    assert returned["updated_datetime"] > created["updated_datetime"]
    ticket_resubmit(ticket=Ticket.objects.get(pk=number), user=small_street.users["worker_a"], addition="每天11点前")
    assert item()["status_notes"] == "已转民政，等待受理"
    ticket = ticket_accept(ticket=Ticket.objects.get(pk=number), user=handler)
    ticket = ticket_start(ticket=ticket, user=handler)
    ticket_resolve(ticket=ticket, user=handler, note="已安排每日11点送餐上门")
    resolved = item()
    assert (resolved["status"], resolved["status_notes"]) == ("closed", "已安排每日11点送餐上门")


# --- date filters --------------------------------------------------------------------------------


def test_date_filters_and_the_90_day_default(
    client: Client, post_request: PostRequest, open311_key: tuple[str, Open311Key]
) -> None:
    key = open311_key[0]
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        june = created_id(post_request())
    with time_machine.travel(dt.datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        october = created_id(post_request())
    with time_machine.travel(dt.datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI)):
        assert listed(client, key) == [october]  # the last 90 days by default
        assert listed(client, key, start_date="2026-05-20T00:00:00+08:00", end_date="2026-06-02T00:00:00Z") == [june]
        assert listed(client, key, start_date="2026-05-20T00:00:00+08:00") == [june]  # 90 days from the start
        assert listed(client, key, end_date="2026-10-01T02:00:00Z") == [october]  # 02:00Z is 10:00 in China
        assert listed(client, key, end_date="2026-10-01T01:59:59Z") == []
        assert listed(client, key, start_date="2026-09-01", end_date="2026-10-02") == [october]
        assert listed(client, key, service_request_id=f"{june},{october}") == [october, june]  # overrides dates
        assert listed(client, key, service_code="LIF-FAC") == []
        assert listed(client, key, service_code="LIF-FAC,LIF-MEAL") == [october]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-05-01T00:00:00+08:00"}, "date_range_too_long"),
        ({"start_date": "2026-05-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"}, "date_range_invalid"),
        ({"start_date": "2026-05-01T00:00:00"}, "start_date_invalid"),  # no time zone
        ({"end_date": "yesterday"}, "end_date_invalid"),
        ({"end_date": "2026-13-01T00:00:00Z"}, "end_date_invalid"),
        ({"status": "pending"}, "status_invalid"),
        ({"service_request_id": "1,two"}, "service_request_id_invalid"),
    ],
)
def test_bad_filters_are_400(
    client: Client, open311_key: tuple[str, Open311Key], params: dict[str, str], code: str
) -> None:
    answer = client.get(f"{BASE}/requests.xml", {"api_key": open311_key[0], **params})
    assert_errors(answer, "xml", 400, code)


def test_at_most_1000_requests_are_answered(
    client: Client, post_request: PostRequest, open311_key: tuple[str, Open311Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qiaomen.open311.reads.MAX_IDS", 2)
    numbers = [created_id(post_request()) for _ in range(3)]
    assert listed(client, open311_key[0]) == numbers[:0:-1]  # the newest two


def test_listing_takes_the_same_queries_for_one_request_or_five(
    client: Client,
    post_request: PostRequest,
    open311_key: tuple[str, Open311Key],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    created_id(post_request())
    with django_assert_num_queries(2):  # the key, the requests with their tickets
        assert len(listed(client, open311_key[0])) == 1
    for _ in range(4):
        created_id(post_request())
    with django_assert_num_queries(2):
        assert len(listed(client, open311_key[0])) == 5


def test_staff_see_where_the_client_said_it_is(small_street: SmallStreet, post_request: PostRequest) -> None:
    """No household matched: the department reads the location as sent, escaped, with the client."""
    number = created_id(
        post_request(
            address_string="和平路口<script>alert(1)</script>公交站旁",
            media_url="https://img.example.cn/rubbish.jpg",
        )
    )
    assert Ticket.objects.get(pk=number).household is None
    staff = Client()
    staff.force_login(small_street.users["dept_handler"])  # 民政, the department of LIF-MEAL
    page = staff.get(reverse("web:ticket_detail", args=[number]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "和平路口&lt;script&gt;alert(1)&lt;/script&gt;公交站旁" in body and "<script>alert(1)" not in body
    assert 'href="https://img.example.cn/rubbish.jpg"' in body
    assert "来自 市民热线平台" in body


def test_an_emergency_in_the_text_forces_p1_whatever_the_service(
    client: Client, post_request: PostRequest, open311_key: tuple[str, Open311Key]
) -> None:
    number = created_id(post_request(service_code="LIF-FAC", description="楼道里一股煤气味，好像漏气了"))
    ticket = Ticket.objects.get(pk=number)
    assert ticket.subcategory.code == "LIF-FAC"  # the client's choice stands
    assert ticket.priority == "P1" and ticket.suggestion["emergency"]
    (item,) = read_json(client.get(f"{BASE}/requests/{number}.json", {"api_key": open311_key[0]}))
    assert "即时响应" in item["service_notice"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_busy_database_is_503_in_format(
    client: Client, open311_key: tuple[str, Open311Key], monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    def locked(*args: object, **kwargs: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr("qiaomen.open311.views.requests_find", locked)
    answer = client.get(f"{BASE}/requests.{fmt}", {"api_key": open311_key[0]})
    assert_errors(answer, fmt, 503, "database_busy")
    assert answer["Retry-After"] == "5"
