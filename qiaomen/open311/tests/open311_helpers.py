"""Shared pieces of the Open311 tests: the specification's field lists and a reader that turns
an XML answer into the Spark-convention JSON it must equal."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

BASE = "/open311/v2"
FORMATS = ["json", "xml"]

# Field names and their order, from wiki.open311.org/GeoReport_v2 and /Service_Discovery.
DISCOVERY_FIELDS = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_FIELDS = ["specification", "url", "changeset", "type", "formats"]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
DEFINITION_FIELDS = ["service_code", "attributes"]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
VALUE_FIELDS = ["key", "name"]
CREATED_FIELDS = ["service_request_id", "service_notice", "account_id"]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
ERROR_FIELDS = ["code", "description"]
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
# W3C date-time in China time, as every datetime here must be.
W3C_CHINA = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
# The specification's list elements and their children, written out here rather than imported from
# render.ITEM_NAMES on purpose: the oracle must not be the code under test.
LIST_CHILDREN = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def spark(element: ET.Element) -> Any:
    """The Spark-convention JSON of an XML element, every leaf as text (None when empty)."""
    if element.tag in LIST_CHILDREN:
        assert all(child.tag == LIST_CHILDREN[element.tag] for child in element), element.tag
        return [spark(child) for child in element]
    if len(element):
        tags = [child.tag for child in element]
        assert len(tags) == len(set(tags)), f"repeated element in <{element.tag}>"
        return {child.tag: spark(child) for child in element}
    return element.text


def as_text(value: Any) -> Any:
    """A JSON document with every leaf written as XML writes it."""
    if isinstance(value, list):
        return [as_text(item) for item in value]
    if isinstance(value, dict):
        return {name: as_text(item) for name, item in value.items()}
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


# Responses are Any: the test client's response type is private to django-stubs.
def read_xml(response: Any, root: str) -> Any:
    """The XML answer's document, after checking the specification's encoding rules."""
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    element = ET.fromstring(response.content)  # noqa: S314 (our own answer, not untrusted input)
    assert element.tag == root
    return spark(element)


def read_json(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def read(response: Any, fmt: str, root: str) -> Any:
    return read_xml(response, root) if fmt == "xml" else read_json(response)


def assert_errors(response: Any, fmt: str, status: int, *codes: str) -> None:
    """A GeoReport error answer: the status, and one {code, description} per expected code, the
    body's code being the HTTP status and the description leading with our code."""
    assert response.status_code == status, response.content.decode()
    errors = read(response, fmt, "errors")
    assert isinstance(errors, list) and errors
    for error in errors:
        assert list(error) == ERROR_FIELDS
        assert str(error["code"]) == str(status)
        assert re.match(r"^[a-z_]+: \S", error["description"])
    assert sorted(error["description"].split(":")[0] for error in errors) == sorted(codes)


# post_request(fmt="json", **fields) (conftest): POST requests.<fmt>; a field set to None is left out.
PostRequest = Callable[..., Any]
