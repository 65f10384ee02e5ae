"""GeoReport v2 documents as JSON and as XML, from one Python structure.

The specification's XML is schemaless, without a namespace, UTF-8 with an XML declaration; its
JSON is the Spark-convention mapping of that XML: a list element (`<services>`) becomes a JSON
array of its children (`<service>`), a leaf becomes a value, an empty element `null`. So a
document is built once as dicts and lists and written either way: `ITEM_NAMES` says what each
list's children are called.

Text is escaped by ElementTree; characters that XML 1.0 cannot carry at all (control
characters other than tab and line breaks) are dropped from XML, since no escaping makes them
legal. JSON keeps Chinese as UTF-8 rather than \\uXXXX escapes.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MIME_TYPES = {"json": "application/json", "xml": "text/xml"}

# The child element of each list element in the specification.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

_NOT_XML_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML_CHARACTERS.sub("", str(value))


def _element(name: str, value: Any) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, dict):
        for child_name, child in value.items():
            element.append(_element(child_name, child))
    elif isinstance(value, list):
        item_name = ITEM_NAMES[name]
        for item in value:
            element.append(_element(item_name, item))
    else:
        element.text = _text(value)
    return element


def to_xml(root: str, document: Any) -> bytes:
    body = ET.tostring(_element(root, document), encoding="unicode", short_empty_elements=True)
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}'.encode()


def to_json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def respond(fmt: str, root: str, document: Any, *, status: int = 200) -> HttpResponse:
    """The document in the requested format. `root` names the XML root element (`services`,
    `service_requests`, `service_definition`, `discovery`, `errors`); JSON has no root."""
    body = to_xml(root, document) if fmt == "xml" else to_json(document)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    # What a key reads back can hold personal data; nothing here is for shared caches.
    response["Cache-Control"] = "no-store"
    return response


class Open311Error(Exception):
    """One or more GeoReport errors with the HTTP status they share.

    The specification lets the body's `code` differ from the HTTP status "so that more specific
    and unique error code identifiers can be used"; clients in the field compare it with the
    status, so `code` stays the HTTP status and our machine-readable code leads the description:
    `service_code_required: 请提供 service_code`.
    """

    def __init__(self, status: int, errors: list[tuple[str, str]]) -> None:
        super().__init__(", ".join(code for code, _ in errors))
        self.status = status
        self.errors = errors

    @classmethod
    def one(cls, status: int, code: str, message: str) -> Open311Error:
        return cls(status, [(code, message)])

    def document(self) -> list[dict[str, Any]]:
        return [{"code": self.status, "description": f"{code}: {message}"} for code, message in self.errors]


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    return respond(fmt, "errors", error.document(), status=error.status)
