"""A server error answers an error id, never a traceback; the id leads to the traceback in the log
(issue 12, hole 7b; SECURITY line 6: no personal data on error pages)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.test import Client

from qiaomen.accounts import middleware as session_middleware
from qiaomen.api import places
from qiaomen.core.crypto import DecryptionError
from qiaomen.testing import SmallStreet
from qiaomen.web.home import views as home_views

Headers = Callable[[str], dict[str, str]]
SECRET = "110105194912310021"  # stands for whatever a failing value might carry


def fail(*args: object, **kwargs: object) -> None:
    raise DecryptionError(f"cannot decrypt {SECRET}")


def logged_error(caplog: pytest.LogCaptureFixture, error_id: str) -> logging.LogRecord:
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    return record


@pytest.mark.parametrize("debug", [False, True])
def test_hole_7_an_api_decrypt_error_answers_json_with_an_error_id_and_no_traceback(
    client: Client,
    small_street: SmallStreet,
    bearer: Headers,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    settings: object,
    debug: bool,
) -> None:
    settings.DEBUG = debug  # type: ignore[attr-defined]
    monkeypatch.setattr(places, "place_tree_for_user", fail)

    response = client.get("/api/v1/places", headers=bearer("worker_a"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "server_error" and len(body["error_id"]) == 12
    assert body["error_id"] in body["message"]
    assert b"Traceback" not in response.content and SECRET.encode() not in response.content
    assert response["Cache-Control"] == "no-store"
    record = logged_error(caplog, body["error_id"])
    assert record.exc_info is not None and record.exc_info[0] is DecryptionError


def test_hole_7_an_api_error_outside_any_operation_is_json_too(
    small_street: SmallStreet, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(small_street.users["worker_a"])
    monkeypatch.setattr(session_middleware, "_expired", fail)

    response = client.get("/api/v1/places")

    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error"
    assert b"Traceback" not in response.content and SECRET.encode() not in response.content
    assert logged_error(caplog, body["error_id"]).exc_info is not None


def test_hole_7_a_page_error_answers_the_plain_500_page_with_its_error_id(
    client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_as("worker_a")
    monkeypatch.setattr(home_views, "current_user", fail)

    response = client.get("/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "系统出错" in page
    assert "Traceback" not in page and SECRET not in page and "DecryptionError" not in page
    [record] = [r for r in caplog.records if r.name == "qiaomen.server_error"]
    error_id = record.getMessage().split()[2]
    assert error_id in page
