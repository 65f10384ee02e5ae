from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import OperationalError
from django.test import Client

from qiaomen.api import places
from qiaomen.core.errors import Conflict
from qiaomen.testing import SmallStreet

Headers = Callable[[str], dict[str, str]]
PLACES = "/api/v1/places"


def test_a_domain_error_keeps_its_status_code_and_chinese_message(
    client: Client, small_street: SmallStreet, bearer: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(user: object) -> None:
        raise Conflict("changed_meanwhile", "记录已被他人修改")

    monkeypatch.setattr(places, "place_tree_for_user", refuse)

    response = client.get(PLACES, headers=bearer("worker_a"))

    assert response.status_code == 409
    assert response.json() == {"code": "changed_meanwhile", "message": "记录已被他人修改"}
    assert "记录已被他人修改".encode() in response.content


def test_a_busy_database_answers_503_in_json_not_a_traceback(
    client: Client, small_street: SmallStreet, bearer: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(user: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(places, "place_tree_for_user", locked)

    response = client.get(PLACES, headers=bearer("worker_a"))

    assert response.status_code == 503
    assert response.json()["code"] == "database_busy"
    assert response["Retry-After"] == "5"


def test_a_validation_error_names_the_field_and_echoes_no_value(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    # Someone pasting an ID number into the wrong box: the answer must not carry it back.
    response = client.get(PLACES, {"grid": "11010519491231002x"}, headers=bearer("worker_a"))

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    [error] = body["errors"]
    assert set(error) == {"loc", "type", "msg"}
    assert error["loc"] == ["query", "grid"]
    assert b"11010519491231002" not in response.content


def test_not_found_is_json_in_chinese(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    response = client.get(PLACES, {"grid": 987654321}, headers=bearer("worker_a"))

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到"}
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_an_offset_past_any_list_is_refused_not_a_server_error(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    """Schemathesis found /api/v1/visits?offset=955721654389526757376 answering 500 (SQLite
    "datatype mismatch"); every list bounds its offset."""
    for path in ("/api/v1/visits", "/api/v1/tickets", "/api/v1/households", "/api/v1/worklist"):
        response = client.get(path, {"offset": 955721654389526757376}, headers=bearer("street_admin"))
        assert response.status_code == 422, path
        assert [e["loc"] for e in response.json()["errors"]] == [["query", "offset"]]


def test_a_refusal_of_the_input_as_a_whole_is_a_422_of_the_declared_shape(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    """Schemathesis found services' 422s (an unknown code: no field to name) off the declared
    shape, which required `errors`; it is declared optional now, the field errors when there are."""
    response = client.get("/api/v1/tickets", {"department": "0"}, headers=bearer("street_admin"))
    declared = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["ValidationErrorOut"]

    assert response.status_code == 422
    assert set(response.json()) == {"code", "message"} and response.json()["code"] == "unknown_department"
    assert set(declared["required"]) == {"code", "message"}


@pytest.mark.parametrize(
    "path",
    ["/api/v1/tickets/%0A/similar", "/api/v1/households/%0D%0A", "/api/nowhere", "/api/v1/%00"],
)
def test_hole_7_a_malformed_api_path_answers_a_json_404(
    client: Client, small_street: SmallStreet, bearer: Headers, path: str
) -> None:
    response = client.get(path, headers=bearer("worker_a"))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(("method", "path"), [("delete", "/api/v1/tickets"), ("get", "/api/v1/tickets/1/accept")])
def test_hole_7_a_method_an_operation_does_not_take_answers_a_json_405(
    client: Client, small_street: SmallStreet, bearer: Headers, method: str, path: str
) -> None:
    response = getattr(client, method)(path, headers=bearer("worker_a"))

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "POST" in response["Allow"]


def test_hole_7_the_api_docs_stay_an_html_page(client: Client, small_street: SmallStreet) -> None:
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
