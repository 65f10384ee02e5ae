"""Open311 GeoReport v2, field by field against the specification, in JSON and in XML.

Every answer is read twice: as JSON (types checked) and as XML (parsed with ElementTree, the
root and every element name checked), and the XML read back in the Spark convention must equal
the JSON written as text: one document, two formats.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from qiaomen.open311.models import Open311Key
from qiaomen.open311.tests.open311_helpers import (
    ATTRIBUTE_FIELDS,
    BASE,
    CREATED_FIELDS,
    DATATYPES,
    DEFINITION_FIELDS,
    DISCOVERY_FIELDS,
    ENDPOINT_FIELDS,
    FORMATS,
    REQUEST_FIELDS,
    SERVICE_FIELDS,
    VALUE_FIELDS,
    W3C_CHINA,
    PostRequest,
    as_text,
    assert_errors,
    read_json,
    read_xml,
)
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Subcategory


def both(client: Client, path: str, root: str, **params: str) -> object:
    """The JSON document of `path`, after checking that the XML one says the same."""
    json_answer = client.get(f"{BASE}/{path}.json", params)
    xml_answer = client.get(f"{BASE}/{path}.xml", params)
    assert json_answer.status_code == xml_answer.status_code == 200
    document = read_json(json_answer)
    assert read_xml(xml_answer, root) == as_text(document)
    return document


def test_discovery_follows_the_service_discovery_spec(client: Client, small_street: SmallStreet) -> None:
    discovery = both(client, "discovery", "discovery")
    assert isinstance(discovery, dict)
    assert list(discovery) == DISCOVERY_FIELDS
    assert all(isinstance(discovery[name], str) and discovery[name] for name in DISCOVERY_FIELDS[:3])
    (endpoint,) = discovery["endpoints"]
    assert list(endpoint) == ENDPOINT_FIELDS
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] in {"production", "test"}
    assert endpoint["formats"] == ["text/xml", "application/json"]
    # Sortable "YYYY-MM-DD HH:MM", as the specification's examples.
    assert len(discovery["changeset"]) == 16 and discovery["changeset"] == endpoint["changeset"]


def test_services_are_the_active_subcategories(client: Client, small_street: SmallStreet) -> None:
    Subcategory.objects.filter(code="LIF-PARK").update(retired=True)
    services = both(client, "services", "services")
    assert isinstance(services, list)
    active = Subcategory.objects.filter(retired=False).select_related("category")
    assert [s["service_code"] for s in services] == sorted(active.values_list("code", flat=True))
    assert "LIF-PARK" not in {s["service_code"] for s in services}
    by_code = {s.code: s for s in active}
    for service in services:
        assert list(service) == SERVICE_FIELDS
        subcategory = by_code[service["service_code"]]
        assert service["service_name"] == subcategory.name
        assert service["group"] == subcategory.category.name
        assert service["type"] == "realtime"
        assert isinstance(service["metadata"], bool)
        assert service["metadata"] is (service["service_code"] in {"EMG-HEALTH", "LIF-MED", "LIF-PSY"})
        assert service["keywords"] == ", ".join(subcategory.keywords.split())
        assert subcategory.department.name in service["description"]


def test_a_health_service_definition_asks_for_consent(client: Client, small_street: SmallStreet) -> None:
    definition = both(client, "services/EMG-HEALTH", "service_definition")
    assert isinstance(definition, dict)
    assert list(definition) == DEFINITION_FIELDS
    assert definition["service_code"] == "EMG-HEALTH"
    (attribute,) = definition["attributes"]
    assert list(attribute) == ATTRIBUTE_FIELDS
    assert attribute["variable"] is True and attribute["required"] is True
    assert attribute["code"] == "HEALTH_CONSENT"
    assert attribute["datatype"] in DATATYPES and attribute["datatype"] == "singlevaluelist"
    assert isinstance(attribute["order"], int) and attribute["order"] >= 1
    assert [list(value) for value in attribute["values"]] == [VALUE_FIELDS, VALUE_FIELDS]
    assert [value["key"] for value in attribute["values"]] == ["yes", "no"]


def test_a_service_without_metadata_has_no_attributes(client: Client, small_street: SmallStreet) -> None:
    assert both(client, "services/LIF-MEAL", "service_definition") == {"service_code": "LIF-MEAL", "attributes": []}
    xml = client.get(f"{BASE}/services/LIF-MEAL.xml").content
    assert ET.fromstring(xml).find("attributes") is not None  # noqa: S314 (our own answer)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_or_retired_service_is_404(client: Client, small_street: SmallStreet, fmt: str) -> None:
    assert_errors(client.get(f"{BASE}/services/NO-SUCH.{fmt}"), fmt, 404, "service_not_found")
    Subcategory.objects.filter(code="LIF-PARK").update(retired=True)
    assert_errors(client.get(f"{BASE}/services/LIF-PARK.{fmt}"), fmt, 404, "service_not_found")


@pytest.mark.parametrize("fmt", FORMATS)
def test_jurisdiction_id_is_the_street_code_or_404(client: Client, small_street: SmallStreet, fmt: str) -> None:
    assert client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "XF"}).status_code == 200
    assert client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": ""}).status_code == 200
    answer = client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "sfgov.org"})
    assert_errors(answer, fmt, 404, "jurisdiction_not_found")


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_request_answers_the_id_the_notice_and_the_account(post_request: PostRequest, fmt: str) -> None:
    answer = post_request(fmt)
    assert answer.status_code == 201
    document = read_xml(answer, "service_requests") if fmt == "xml" else read_json(answer)
    (created,) = document
    assert list(created) == CREATED_FIELDS  # never a token: every service is realtime
    if fmt == "json":
        assert isinstance(created["service_request_id"], int)
    assert str(created["service_request_id"]).isdigit()
    assert created["account_id"] == "acct-7"
    assert "民政" in created["service_notice"]


def test_post_request_without_account_answers_null_account(post_request: PostRequest) -> None:
    assert read_json(post_request("json", account_id=None))[0]["account_id"] is None
    assert read_xml(post_request("xml", account_id=None), "service_requests")[0]["account_id"] is None


def _check_request(item: dict[str, Any]) -> None:
    """One <request> of GET requests: the specification's fields, in its order, with its types."""
    assert list(item) == REQUEST_FIELDS
    assert isinstance(item["service_request_id"], int)
    assert item["status"] in {"open", "closed"}
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert isinstance(item[name], str) and W3C_CHINA.match(item[name]), (name, item[name])
    for name in ("status_notes", "service_name", "service_code", "description", "agency_responsible"):
        assert isinstance(item[name], str) and item[name], name
    for name in ("lat", "long"):
        assert item[name] is None or isinstance(item[name], float)


def test_get_requests_field_by_field(
    client: Client, post_request: PostRequest, open311_key: tuple[str, Open311Key], flat_address: str
) -> None:
    first = read_json(post_request("json"))[0]["service_request_id"]
    second = read_json(
        post_request(
            "json",
            address_string=None,
            lat="31.2001",
            long="121.4001",
            service_code="LIF-FAC",
            description="楼道灯坏了",
            media_url="https://img.example.cn/a.jpg",
        )
    )[0]["service_request_id"]
    items = both(client, "requests", "service_requests", api_key=open311_key[0])
    assert isinstance(items, list)
    assert [item["service_request_id"] for item in items] == [second, first]  # newest first
    for item in items:
        _check_request(item)
    lamp, meal = items
    assert meal["service_code"] == "LIF-MEAL" and meal["service_name"] == "老年助餐"
    assert meal["agency_responsible"] == "民政" and meal["status"] == "open"
    assert meal["description"] == "我家老人腿脚不便，想订中午的助餐"
    assert meal["address"] == flat_address
    assert meal["lat"] is None and meal["long"] is None and meal["media_url"] is None
    assert lamp["address"] is None and lamp["lat"] == 31.2001 and lamp["long"] == 121.4001
    assert lamp["media_url"] == "https://img.example.cn/a.jpg"
    assert lamp["zipcode"] is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_one_request(
    client: Client, post_request: PostRequest, open311_key: tuple[str, Open311Key], fmt: str
) -> None:
    number = read_json(post_request("json"))[0]["service_request_id"]
    item = both(client, f"requests/{number}", "service_requests", api_key=open311_key[0])
    assert isinstance(item, list) and len(item) == 1
    _check_request(item[0])
    assert item[0]["service_request_id"] == number
    missing = client.get(f"{BASE}/requests/987654.{fmt}", {"api_key": open311_key[0]})
    assert_errors(missing, fmt, 404, "service_request_not_found")


@pytest.mark.parametrize("fmt", FORMATS)
def test_tokens_are_never_issued(client: Client, small_street: SmallStreet, fmt: str) -> None:
    assert_errors(client.get(f"{BASE}/tokens/12345.{fmt}"), fmt, 404, "token_not_found")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_method_the_resource_does_not_take_is_refused_in_format(
    client: Client, small_street: SmallStreet, fmt: str
) -> None:
    answer = client.post(f"{BASE}/services.{fmt}")
    assert_errors(answer, fmt, 405, "method_not_allowed")
    assert answer["Allow"] == "GET"


def test_markup_stays_text_and_chinese_stays_chinese(
    client: Client, post_request: PostRequest, open311_key: tuple[str, Open311Key]
) -> None:
    """A description with markup, an ampersand, quotes and a control character comes back as the
    same text in well-formed XML: escaped, never markup, never \\uXXXX."""
    text = "楼下<script>alert(\"x\")</script> & <b>噪音</b> '扰民'\x07"
    number = read_json(post_request("json", description=text))[0]["service_request_id"]
    xml = client.get(f"{BASE}/requests/{number}.xml", {"api_key": open311_key[0]})
    body = xml.content.decode("utf-8")
    assert "<script>" not in body and "<b>" not in body
    assert "&lt;script&gt;" in body and "&amp;" in body and "楼下" in body
    (item,) = read_xml(xml, "service_requests")
    assert item["description"] == text.replace("\x07", "")  # the control character is dropped on the way in
    json_body = client.get(f"{BASE}/requests/{number}.json", {"api_key": open311_key[0]}).content.decode("utf-8")
    assert "楼下" in json_body and "\\u" not in json_body


def test_a_description_of_4000_characters_is_accepted_and_4001_refused(
    client: Client, post_request: PostRequest, open311_key: tuple[str, Open311Key]
) -> None:
    """GeoReport v2 lets a description be 4,000 characters (MAX_DESCRIPTION, one limit for every
    channel); written out here so that the limit cannot shrink unnoticed."""
    text = "楼道" * 2000
    answer = post_request("json", description=text)
    assert answer.status_code == 201, answer.content.decode()
    number = read_json(answer)[0]["service_request_id"]
    (item,) = read_json(client.get(f"{BASE}/requests/{number}.json", {"api_key": open311_key[0]}))
    assert item["description"] == text and len(text) == 4000
    refused = post_request("xml", description=text + "楼")
    assert_errors(refused, "xml", 400, "description_too_long")
    assert len(read_json(client.get(f"{BASE}/requests.json"))) == 1
