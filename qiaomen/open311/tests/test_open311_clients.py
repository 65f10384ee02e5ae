"""Published Open311 client packages against the real server, over real HTTP (pytest-django's
live_server): what a city portal or a civic app would run.

No one package does everything on Python 3.11 (checked on PyPI, November 2026):
- `georeport` (0.3.1) reads services, service definitions and requests, in JSON and in XML
  (xmltodict), and sends no api_key with any read, as GeoReport v2 allows; it cannot POST.
- `civicbot` (0.4.0) POSTs requests (form-encoded, with the api_key) and reads, JSON only: it
  parses every answer, XML ones too, with json.loads.
- `open311` (1.1, 2011) and `three` (0.8.0, 2013) do not import on Python 3 (a Python 2
  relative import; itertools.ifilter).
So requests are created through civicbot in JSON and read back through georeport in both
formats; a POST answered in XML is covered by test_open311.py with Django's test client.
"""

from __future__ import annotations

from typing import Any

import georeport
import pytest
import requests
from civicbot.http import HttpError, HttpTransport, RateLimiter
from civicbot.open311 import Open311Client, ValidationError
from civicbot.registry import Endpoint
from pytest_django.live_server_helper import LiveServer

from qiaomen.open311.keys import open311_key_create
from qiaomen.open311.models import Open311Request
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Subcategory
from qiaomen.tickets.services import ticket_create

FORMATS = ["json", "xml"]


@pytest.fixture
def base_url(live_server: LiveServer, small_street: SmallStreet) -> str:
    return f"{live_server.url}/open311/v2"


@pytest.fixture
def civic(base_url: str) -> Open311Client:
    """civicbot's client for our endpoint, without its politeness pause between calls."""
    endpoint = Endpoint(id="xf", name="幸福街道", base_url=base_url, write=True)
    transport = HttpTransport(rate_limiter=RateLimiter(min_interval=0))
    return Open311Client(endpoint, transport=transport, jurisdiction_id="XF", fmt="json")


def _as_list(value: Any) -> list[Any]:
    """xmltodict makes one child element a dict and several a list."""
    return value if isinstance(value, list) else [value]


def _file_meal_request(civic: Open311Client, key: str, flat: str) -> int:
    prepared = civic.create_request(
        "LIF-MEAL",
        dry_run=False,
        confirm="SEND",
        api_key=key,
        validate_remote=True,  # civicbot checks the code against our live service list first
        address_string=flat,
        description="老人想订中午的助餐，电话13800001111",
        first_name="秀英",
        last_name="王",
        phone="13800001111",
    )
    (created,) = prepared.response
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert "民政" in created["service_notice"]
    return int(created["service_request_id"])


def test_civicbot_lists_services_reads_a_definition_and_posts_with_a_key(
    civic: Open311Client, small_street: SmallStreet
) -> None:
    services = civic.list_services()
    assert {"LIF-MEAL", "EMG-HEALTH"} <= {s["service_code"] for s in services}
    definition = civic.get_service_definition("EMG-HEALTH")
    assert [a["code"] for a in definition["attributes"]] == ["HEALTH_CONSENT"]
    key, _ = open311_key_create(name="civicbot")
    flat = f"幸福街道{small_street.household_a.building.address}1单元101室"
    number = _file_meal_request(civic, key, flat)
    sent = Open311Request.objects.get(ticket_id=number)
    assert (sent.key.name, sent.phone, sent.ticket.household) == ("civicbot", "13800001111", small_street.household_a)
    # civicbot refuses, before sending, a health request without the consent our definition requires.
    health = {"dry_run": False, "confirm": "SEND", "api_key": key, "validate_remote": True, "lat": 31.2, "lng": 121.4}
    with pytest.raises(ValidationError, match="HEALTH_CONSENT"):
        civic.create_request("EMG-HEALTH", **health)
    # A wrong key reaches the server and is refused there, in GeoReport's error format.
    with pytest.raises(HttpError) as refused:
        civic.create_request("LIF-MEAL", dry_run=False, confirm="SEND", api_key="not-a-key", lat=31.2, lng=121.4)
    assert refused.value.status == 403 and "api_key_invalid" in refused.value.body
    # Reads go without a key: the public fields of the request just filed.
    (listed,) = civic.list_requests(service_request_ids=[str(number)])
    one = civic.get_request(number)
    assert listed == one
    assert one is not None and one["service_code"] == "LIF-MEAL" and one["status"] == "open"
    assert one["description"] == "老人想订中午的助餐，电话〔电话已隐去〕"
    assert one["address"] is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_georeport_reads_services_definitions_and_requests_without_a_key(
    base_url: str, civic: Open311Client, small_street: SmallStreet, fmt: str
) -> None:
    client = georeport.GeoReport(base_url, jurisdiction="XF", output_format=fmt)
    assert client.api_key is None  # GEOREPORT_API_KEY is not set: every read below is keyless
    services = client.get_service_list()
    by_code = {s["service_code"]: s for s in services}
    assert by_code["LIF-MEAL"]["service_name"] == "老年助餐"
    assert str(by_code["EMG-HEALTH"]["metadata"]).lower() == "true"  # XML gives text
    definition = client.get_service_definition("EMG-HEALTH")
    attributes = definition["attributes"]
    attribute = _as_list(attributes["attribute"] if fmt == "xml" else attributes)[0]
    assert attribute["code"] == "HEALTH_CONSENT"
    empty = client.get_service_definition("LIF-MEAL")
    assert empty["service_code"] == "LIF-MEAL" and not empty["attributes"]

    key, _ = open311_key_create(name="civicbot")
    flat = f"幸福街道{small_street.household_a.building.address}1单元101室"
    filed = _file_meal_request(civic, key, flat)
    lamp = Subcategory.objects.get(code="LIF-FAC")
    found = ticket_create(
        channel=Channel.VISIT, description="李建国家楼道灯坏了", subcategory=lamp, household=small_street.household_b
    )
    listed = _as_list(client.get_service_requests())
    assert [str(item["service_request_id"]) for item in listed] == [str(found.pk), str(filed)]
    one = client.get_service_request(str(filed))
    if fmt == "json":
        assert one == listed[1]
    assert one["service_code"] == "LIF-MEAL" and one["agency_responsible"] == "民政"
    assert one["description"] == "老人想订中午的助餐，电话〔电话已隐去〕"
    assert not one["address"]
    assert not listed[0]["description"]  # found on a visit: no words are published
    assert float(listed[0]["lat"]) == 31.21 and float(listed[0]["long"]) == 121.41
    only_lamps = _as_list(client.get_service_requests(service_code="LIF-FAC", status="open"))
    assert [str(item["service_request_id"]) for item in only_lamps] == [str(found.pk)]
    # An unknown request is a 404 the client raises on, as for any HTTP error.
    with pytest.raises(requests.HTTPError) as missing:
        client.get_service_request("987654")
    response = missing.value.response
    assert response is not None and response.status_code == 404
    assert "service_request_not_found" in response.text
