"""GET requests and GET requests/{id} without a key (GeoReport v2 asks none): every ticket of the
installation or of one street, with public, non-personal fields only; and every other path under
/open311/v2/ is a GeoReport 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries

from qiaomen.open311.keys import open311_key_create
from qiaomen.open311.models import Open311Key
from qiaomen.open311.tests.open311_helpers import (
    BASE,
    FORMATS,
    REQUEST_FIELDS,
    PostRequest,
    as_text,
    assert_errors,
    read_json,
    read_xml,
)
from qiaomen.places.models import Community, Grid, Street
from qiaomen.testing import SmallStreet, make_building, make_household
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services import (
    ticket_accept,
    ticket_create,
    ticket_resolve,
    ticket_resubmit,
    ticket_return,
    ticket_start,
)

# What a published answer must never carry of the requests below.
PERSONAL = ["秀英", "王", "13800001111", "wang@example.cn", "acct-7", "dev-1", "和平路", "1单元101室"]


def created_id(answer: Any) -> int:
    assert answer.status_code == 201, answer.content.decode()
    return int(read_json(answer)[0]["service_request_id"])


def public(client: Client, path: str, **params: str) -> Any:
    """The keyless JSON answer of `path`, after checking the XML one says the same."""
    json_answer = client.get(f"{BASE}/{path}.json", params)
    xml_answer = client.get(f"{BASE}/{path}.xml", params)
    assert json_answer.status_code == xml_answer.status_code == 200, json_answer.content.decode()
    document = read_json(json_answer)
    assert read_xml(xml_answer, "service_requests") == as_text(document)
    return document


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["service_request_id"] for item in items]


def staff_ticket(s: SmallStreet, *, code: str = "LIF-FAC", description: str = "电梯坏了，李建国13900002222") -> Ticket:
    return ticket_create(
        channel=Channel.STAFF,
        description=description,
        subcategory=Subcategory.objects.get(code=code),
        household=s.household_b,
        created_by=s.users["worker_b"],
    )


def test_anyone_reads_an_open311_request_without_anything_personal(client: Client, post_request: PostRequest) -> None:
    number = created_id(
        post_request(
            description="楼下垃圾堆了三天，电话13800001111，身份证11010519491231002X",
            media_url="https://img.example.cn/a.jpg",
        )
    )
    (item,) = public(client, f"requests/{number}")
    assert list(item) == REQUEST_FIELDS
    assert item["service_request_id"] == number and item["service_code"] == "LIF-MEAL"
    assert item["status"] == "open" and item["agency_responsible"] == "民政"
    assert item["description"] == "楼下垃圾堆了三天，电话〔电话已隐去〕，身份证〔证件号已隐去〕"
    assert item["address"] is item["address_id"] is item["media_url"] is item["zipcode"] is None
    # The flat matched household A, in building A (31.2, 121.4): the building, to three places.
    assert (item["lat"], item["long"]) == (31.2, 121.4)
    body = client.get(f"{BASE}/requests.xml").content.decode() + client.get(f"{BASE}/requests.json").content.decode()
    assert not [value for value in PERSONAL if value in body]


def test_coordinates_are_published_to_about_100_m(client: Client, post_request: PostRequest) -> None:
    number = created_id(post_request(address_string=None, lat="31.234567", long="121.476543"))
    (item,) = public(client, f"requests/{number}")
    assert (item["lat"], item["long"]) == (31.235, 121.477)


def test_tickets_of_other_channels_are_listed_without_a_description(
    client: Client, small_street: SmallStreet, post_request: PostRequest
) -> None:
    staff = staff_ticket(small_street)
    visit = ticket_create(
        channel=Channel.VISIT,
        description="独居老人王秀英想订助餐",
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=small_street.household_a,
    )
    sent = created_id(post_request())
    items = public(client, "requests")
    assert [item["service_request_id"] for item in items] == [sent, visit.pk, staff.pk]
    by_id = {item["service_request_id"]: item for item in items}
    for number in (staff.pk, visit.pk):
        assert by_id[number]["description"] is None and by_id[number]["address"] is None
    assert by_id[staff.pk]["service_code"] == "LIF-FAC"
    assert (by_id[staff.pk]["lat"], by_id[staff.pk]["long"]) == (31.21, 121.41)  # building B
    body = client.get(f"{BASE}/requests.json").content.decode()
    assert "李建国" not in body and "王秀英" not in body and "13900002222" not in body


def test_a_health_request_publishes_neither_its_words_nor_its_place(client: Client, post_request: PostRequest) -> None:
    number = created_id(
        post_request(service_code="LIF-PSY", description="我妈最近情绪很差", **{"attribute[HEALTH_CONSENT]": "yes"})
    )
    (item,) = public(client, f"requests/{number}")
    assert item["service_code"] == "LIF-PSY" and item["status"] == "open"
    assert item["description"] is None and item["lat"] is None and item["long"] is None


def test_staff_text_is_not_published(client: Client, small_street: SmallStreet, post_request: PostRequest) -> None:
    """A return's question, what staff add on resubmitting and the resolution note are the
    department's words about a family: anyone reads fixed words instead."""
    handler = small_street.users["dept_handler"]
    number = created_id(post_request(description="想订中午的助餐"))
    ticket_return(ticket=Ticket.objects.get(pk=number), user=handler, reason="请问王秀英老人几点在家")
    (item,) = public(client, f"requests/{number}")
    assert item["status_notes"] == "需要补充信息"
    ticket_resubmit(ticket=Ticket.objects.get(pk=number), user=small_street.users["worker_a"], addition="女儿王芳在家")
    ticket = ticket_start(ticket=ticket_accept(ticket=Ticket.objects.get(pk=number), user=handler), user=handler)
    ticket_resolve(ticket=ticket, user=handler, note="已为王秀英安排送餐")
    (item,) = public(client, f"requests/{number}")
    assert (item["status"], item["status_notes"]) == ("closed", "已办结")
    assert item["description"] == "想订中午的助餐"


@pytest.fixture
def other_street(small_street: SmallStreet) -> Ticket:
    """A second street of the installation, with a ticket of its own."""
    street = Street.objects.create(name="安乐街道", code="AL", city="示例市示例区")
    community = Community.objects.create(street=street, name="安乐社区", code="AL01")
    grid = Grid.objects.create(community=community, name="安乐一网格", code="AL01-01")
    household = make_household(make_building(grid, 3, lat=31.3, lng=121.5), "303")
    lamp = Subcategory.objects.get(code="LIF-FAC")
    return ticket_create(channel=Channel.STAFF, description="路灯不亮", subcategory=lamp, household=household)


def test_a_street_is_named_by_jurisdiction_id_or_by_the_key(
    client: Client,
    small_street: SmallStreet,
    other_street: Ticket,
    post_request: PostRequest,
    open311_key: tuple[str, Open311Key],
) -> None:
    ours = staff_ticket(small_street)
    # Sent by the installation-wide key, matched to nothing: of no street, but its key's own.
    unplaced = created_id(post_request(address_string=None, lat="30.0", long="120.0"))
    assert ids(public(client, "requests")) == [unplaced, ours.pk, other_street.pk]
    assert ids(public(client, "requests", jurisdiction_id="XF")) == [ours.pk]
    assert ids(public(client, "requests", jurisdiction_id="AL")) == [other_street.pk]
    assert ids(public(client, f"requests/{ours.pk}", jurisdiction_id="XF")) == [ours.pk]
    answer = client.get(f"{BASE}/requests/{other_street.pk}.json", {"jurisdiction_id": "XF"})
    assert_errors(answer, "json", 404, "service_request_not_found")
    street_key, _ = open311_key_create(name="幸福街道平台", street_code="XF")
    assert ids(public(client, "requests", api_key=street_key)) == [ours.pk]
    # The key that sent the unplaced request still finds it when it names the street.
    assert ids(public(client, "requests", api_key=open311_key[0], jurisdiction_id="XF")) == [unplaced, ours.pk]


def test_listing_without_a_key_is_one_query_for_one_ticket_or_five(
    client: Client, small_street: SmallStreet, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    staff_ticket(small_street)
    with django_assert_num_queries(1):
        assert len(read_json(client.get(f"{BASE}/requests.json"))) == 1
    for _ in range(4):
        staff_ticket(small_street)
    with django_assert_num_queries(1):
        assert len(read_json(client.get(f"{BASE}/requests.json"))) == 5


# --- every other path is a GeoReport 404 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("requests.yaml", "json"),
        ("services.csv", "json"),
        ("services", "json"),
        ("", "json"),
        ("requests/abc.json", "json"),
        ("no-such-method.xml", "xml"),
        ("services/LIF-MEAL.json/extra", "json"),
    ],
)
def test_an_unknown_path_or_format_is_a_georeport_404(client: Client, db: None, path: str, fmt: str) -> None:
    for answer in (client.get(f"{BASE}/{path}"), client.post(f"{BASE}/{path}")):
        assert_errors(answer, fmt, 404, "not_found")


def test_the_404_body_is_the_georeport_error_list(client: Client, db: None) -> None:
    answer = client.get(f"{BASE}/requests.yaml")
    assert answer.status_code == 404
    (error,) = read_json(answer)
    assert error["code"] == 404 and error["description"].startswith("not_found: ")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_known_method_keeps_its_own_404(client: Client, small_street: SmallStreet, fmt: str) -> None:
    assert_errors(client.get(f"{BASE}/requests/987654.{fmt}"), fmt, 404, "service_request_not_found")
