"""A locked or full database answers 503 with Retry-After, soon, and a retry makes no duplicate
(SECURITY 34). The lock is real: another connection holds SQLite's write lock."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from qiaomen.core.models import AuditEntry
from qiaomen.core.sqlite import base as sqlite_base
from qiaomen.testing import SmallStreet
from qiaomen.visits.models import Visit
from qiaomen.web.tests.visit_helpers import MET_ANSWERS, visits_clock  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "qiaomen.core.sqlite",
        reason="SQLite's database-wide write lock and page limit; PostgreSQL locks rows and has neither",
    ),
]
Headers = Callable[[str], dict[str, str]]


class OtherWriter:
    """Another process's connection: `lock()` takes the write lock (BEGIN IMMEDIATE) and holds it
    until `release()`."""

    def __init__(self) -> None:
        self.db = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)

    def lock(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")


@pytest.fixture
def other_writer() -> Iterator[OtherWriter]:
    writer = OtherWriter()
    try:
        yield writer
    finally:
        writer.release()
        writer.db.close()


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> list[tuple[float, int]]:
    """Each pause between two attempts at the write lock, with the busy timeout the attempt had:
    the request's wait is counted in attempts, never measured on the clock. Each attempt waits
    50 ms here rather than the second of the default, to keep the suite quick."""
    settings.SQLITE_REQUEST_BUSY_MS = 50
    seen: list[tuple[float, int]] = []

    def count(seconds: float) -> None:
        seen.append((seconds, connection.connection.execute("PRAGMA busy_timeout").fetchone()[0]))

    monkeypatch.setattr(sqlite_base, "pause", count)
    return seen


def _visit(household_id: int, client_uuid: str) -> dict[str, Any]:
    return {
        "client_uuid": client_uuid,
        "household_id": household_id,
        "visited_at": "2026-11-16T09:00:00+08:00",
        "outcome": "met",
        "answers": MET_ANSWERS,
    }


@pytest.mark.usefixtures("visits_clock")
def test_security_34_a_locked_write_answers_503_after_a_bounded_number_of_attempts_and_the_retry_records_once(
    client: Client,
    small_street: SmallStreet,
    bearer: Headers,
    other_writer: OtherWriter,
    pauses: list[tuple[float, int]],
) -> None:
    headers = bearer("worker_a")
    client.get("/api/v1/places", headers=headers)  # the token's last use is recorded before the lock
    other_writer.lock()
    payload = _visit(small_street.household_a.pk, str(uuid.uuid4()))

    locked = client.post("/api/v1/visits", payload, content_type="application/json", headers=headers)

    assert locked.status_code == 503
    assert locked["Retry-After"] == "5"
    assert locked.json() == {"code": "database_busy", "message": "系统繁忙，请稍后重试"}
    # One attempt, then one after each configured pause, each waiting the request's short busy
    # time: with the defaults at most 5 × 1 s + 0.75 s of pauses, not the 20 s of a command.
    assert pauses == [(p, 50) for p in settings.SQLITE_REQUEST_RETRY_PAUSES]
    assert len(pauses) + 1 == 5
    # Outside the request the connection waits as long as a batch command may.
    assert connection.connection.execute("PRAGMA busy_timeout").fetchone()[0] == 1000 * 20
    assert not Visit.objects.exists()

    other_writer.release()  # the other writer is done: the client retries
    first = client.post("/api/v1/visits", payload, content_type="application/json", headers=headers)
    again = client.post("/api/v1/visits", payload, content_type="application/json", headers=headers)

    assert first.status_code == 201
    assert (again.status_code, again.json()) == (201, first.json())
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(("language", "message"), [("zh-hans", "系统繁忙，请稍后重试"), ("en", "The system is busy")])
def test_security_34_a_page_that_writes_answers_a_503_page_in_the_users_language(
    client_as: Callable[[str], Client],
    small_street: SmallStreet,
    other_writer: OtherWriter,
    pauses: list[tuple[float, int]],
    language: str,
    message: str,
) -> None:
    client = client_as("worker_a")
    page = reverse("web:person_detail", args=[small_street.elder_a.pk])  # each view writes an audit row
    client.get(page, headers={"Accept-Language": language})  # the session's first write, before the lock
    other_writer.lock()
    rows = AuditEntry.objects.count()

    response = client.get(page, headers={"Accept-Language": language})

    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert message in content and "Traceback" not in content and "OperationalError" not in content
    assert AuditEntry.objects.count() == rows
    other_writer.release()
    assert client.get(page).status_code == 200  # the worker is not left broken


def test_security_34_a_full_database_answers_503_and_records_nothing(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    headers = bearer("worker_a")
    client.get("/api/v1/places", headers=headers)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")  # no free page left from earlier tests: any growth needs a new page
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        # This connection may not grow the file by a single page: the disk is "full".
        cursor.execute(f"PRAGMA max_page_count = {pages}")
    try:
        payload = _visit(small_street.household_a.pk, str(uuid.uuid4()))
        payload["notes"] = "满" * 4000  # more than the free room of any page
        full = client.post("/api/v1/visits", payload, content_type="application/json", headers=headers)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 4294967294")

    assert full.status_code == 503 and full["Retry-After"] == "5"
    assert full.json()["code"] == "database_busy"
    assert not Visit.objects.exists()
    assert client.post("/api/v1/visits", payload, content_type="application/json", headers=headers).status_code == 201


def test_security_34_a_session_not_saved_on_the_way_out_keeps_the_views_answer(
    client_as: Callable[[str], Client], small_street: SmallStreet, other_writer: OtherWriter
) -> None:
    """The view only reads; the session middleware writes after it (the first request of a
    session records its start). Its view has answered, so the answer stands; the session's
    change waits for the next request."""
    client = client_as("worker_a")
    other_writer.lock()

    locked = client.get(reverse("web:home"))

    assert locked.status_code == 302  # home sends a grid worker on to the work list
    other_writer.release()
    assert client.get(reverse("web:home")).status_code == 302
    assert "qiaomen_seen_at" in client.session


def test_security_34_a_write_before_the_view_answers_503_not_a_500(
    client_as: Callable[[str], Client], small_street: SmallStreet, other_writer: OtherWriter
) -> None:
    """An idle session is ended by a middleware before any view runs; under a lock its delete
    fails there, where Django would answer its 500 page."""
    client = client_as("worker_a")
    client.raise_request_exception = False  # answer as the server would, not re-raise in the test
    with time_machine.travel(dt.datetime(2026, 11, 16, 8, 0, tzinfo=dt.UTC), tick=False):
        assert client.get(reverse("web:home")).status_code == 302
    other_writer.lock()
    with time_machine.travel(dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC), tick=False):
        response = client.get(reverse("web:home"))

    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "系统繁忙" in response.content.decode()
