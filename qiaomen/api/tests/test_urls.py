"""The assembled API: its OpenAPI schema, its offline docs, and that every answer is declared."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from qiaomen.testing import PASSWORD, SmallStreet

Headers = Callable[[str], dict[str, str]]
OPENAPI = "/api/v1/openapi.json"
DOCS = "/api/v1/docs"
# Served by ninja itself, not operations of the API (the root only answers 404; ninja reverses
# it to find the API's prefix), and the catch-all that answers a JSON 404 for any other path.
NOT_OPERATIONS = {"/api/v1/", "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/{rest}"}


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        else:
            yield route


def api_routes_in_resolver() -> set[str]:
    """API routes as Django routes them, written the OpenAPI way: /api/v1/households/{household_id}."""
    routes = {"/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r) for r in _routes(get_resolver().url_patterns)}
    return {r for r in routes if r.startswith("/api/v1/")} - NOT_OPERATIONS


@pytest.fixture
def schema(client: Client, db: None) -> dict[str, Any]:
    response = client.get(OPENAPI)
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_openapi_3_1_and_lists_every_api_route(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.1")
    assert set(schema["paths"]) == api_routes_in_resolver()
    assert {"/api/v1/auth/token", "/api/v1/places", "/api/v1/households", "/api/v1/persons/{person_id}"} <= set(
        schema["paths"]
    )


def _refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_in_the_schema_resolves(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    refs = set(_refs(schema))

    assert refs
    assert {ref.removeprefix("#/components/schemas/") for ref in refs} <= set(components)


def test_every_operation_declares_its_error_answers_with_a_body(schema: dict[str, Any]) -> None:
    error_bodies = {"#/components/schemas/ErrorOut", "#/components/schemas/ValidationErrorOut"}
    operation_ids = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            operation_ids.append(operation["operationId"])
            declared = {int(status) for status in operation["responses"]}
            takes_input = bool(operation.get("parameters")) or "requestBody" in operation
            assert 503 in declared, (method, path)
            assert not takes_input or 422 in declared, (method, path)
            assert "requestBody" not in operation or 400 in declared, (method, path)
            assert not operation.get("security") or 401 in declared, (method, path)
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    assert answer["content"]["application/json"]["schema"]["$ref"] in error_bodies
    assert len(operation_ids) == len(set(operation_ids))


def test_every_answer_the_api_gives_is_declared_in_the_schema(
    client: Client, small_street: SmallStreet, bearer: Headers, schema: dict[str, Any]
) -> None:
    s = small_street
    worker, chief = bearer("worker_a"), bearer("building_chief")
    good = {"username": "worker2", "password": PASSWORD}
    # (method, OpenAPI path, URL, headers, JSON body): each status every operation can give.
    calls: list[tuple[str, str, str, dict[str, str], dict[str, Any] | str | None]] = [
        ("post", "/api/v1/auth/token", "/api/v1/auth/token", {}, good),
        ("post", "/api/v1/auth/token", "/api/v1/auth/token", {}, {**good, "password": "wrong"}),
        ("post", "/api/v1/auth/token", "/api/v1/auth/token", {}, {"username": "worker2"}),
        ("post", "/api/v1/auth/token", "/api/v1/auth/token", {}, "not json"),
        ("post", "/api/v1/auth/revoke", "/api/v1/auth/revoke", bearer("worker_b"), None),
        ("post", "/api/v1/auth/revoke", "/api/v1/auth/revoke", {}, None),
        ("get", "/api/v1/places", "/api/v1/places", worker, None),
        ("get", "/api/v1/places", "/api/v1/places", {}, None),
        ("get", "/api/v1/places", f"/api/v1/places?grid={s.grid_b.pk}", worker, None),
        ("get", "/api/v1/places", "/api/v1/places?grid=x", worker, None),
        ("get", "/api/v1/tags", "/api/v1/tags", worker, None),
        ("get", "/api/v1/tags", "/api/v1/tags", {}, None),
        ("get", "/api/v1/households", "/api/v1/households", worker, None),
        ("get", "/api/v1/households", "/api/v1/households", {}, None),
        ("get", "/api/v1/households", f"/api/v1/households?grid={s.grid_b.pk}", worker, None),
        ("get", "/api/v1/households", "/api/v1/households?limit=abc", worker, None),
        ("get", "/api/v1/households", "/api/v1/households?tag=nope", worker, None),
        ("get", "/api/v1/households/{household_id}", f"/api/v1/households/{s.household_a.pk}", worker, None),
        ("get", "/api/v1/households/{household_id}", f"/api/v1/households/{s.household_a.pk}", {}, None),
        ("get", "/api/v1/households/{household_id}", f"/api/v1/households/{s.household_b.pk}", worker, None),
        ("get", "/api/v1/persons/{person_id}", f"/api/v1/persons/{s.elder_a.pk}", worker, None),
        ("get", "/api/v1/persons/{person_id}", f"/api/v1/persons/{s.elder_a.pk}", {}, None),
        ("get", "/api/v1/persons/{person_id}", f"/api/v1/persons/{s.child_a.pk}", chief, None),
        ("get", "/api/v1/persons/{person_id}", f"/api/v1/persons/{s.resident_b.pk}", worker, None),
    ]
    seen = set()
    for method, path, url, headers, body in calls:
        if body is None:
            response = getattr(client, method)(url, headers=headers)
        else:
            response = getattr(client, method)(url, body, content_type="application/json", headers=headers)
        declared = {int(status) for status in schema["paths"][path][method]["responses"]}
        assert response.status_code in declared, (method, url, response.status_code)
        assert response["Cache-Control"] == "no-store", url
        seen.add((method, path, response.status_code))
    # The table reaches every declared status except 503 (a locked database) and the 422 of
    # integer path parameters (Django's converter answers 404 first): it stays honest.
    assert {status for m, p, status in seen if p == "/api/v1/persons/{person_id}"} == {200, 401, 403, 404}


class _AssetParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []
        self.inline_script_types: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.assets.append(str(attributes["src"]))
        elif tag == "script":
            self.inline_script_types.append(str(attributes.get("type")))
        elif tag == "link" and attributes.get("href"):
            self.assets.append(str(attributes["href"]))


def test_the_docs_page_works_offline_under_the_strict_csp(client: Client, db: None) -> None:
    response = client.get(DOCS)

    assert response.status_code == 200
    page = _AssetParser()
    page.feed(response.content.decode())
    assert page.assets
    assert all(asset.startswith("/static/") for asset in page.assets), page.assets
    # The only inline script is Swagger's settings as JSON: data, never executed.
    assert page.inline_script_types == ["application/json"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "script-src 'self';" in response["Content-Security-Policy"]
    for asset in page.assets:
        assert client.get(asset).status_code == 200, asset


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/tickets/abc"), ("post", "/api/v1/tickets/null,null/accept"), ("get", "/api/v1/nothing-here")],
)
def test_a_path_no_operation_matches_is_a_json_404(client: Client, db: None, method: str, path: str) -> None:
    """Schemathesis sent ids that are not integers and got the staff site's HTML 404 page."""
    response = getattr(client, method)(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"code": "not_found", "message": "未找到"}
