from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from qiaomen.accounts.services import api_token_create
from qiaomen.testing import SmallStreet, make_small_street, require_chromium, sign_in


@pytest.fixture
def small_street(db: None) -> SmallStreet:
    return make_small_street()


@pytest.fixture
def client_as(client: Client, small_street: SmallStreet) -> Callable[[str], Client]:
    """A client signed in as one of small_street's personas ("worker_a", "auditor" …)."""

    def signed_in(persona: str) -> Client:
        return sign_in(client, small_street.users[persona])

    return signed_in


@pytest.fixture
def bearer(small_street: SmallStreet) -> Callable[[str], dict[str, str]]:
    """Request headers carrying a fresh Bearer token of a persona, e.g. bearer("worker_a")."""

    def headers(persona: str) -> dict[str, str]:
        token, _ = api_token_create(user=small_street.users[persona], request=None)
        return {"Authorization": f"Bearer {token}"}

    return headers


def _database_of(request: pytest.FixtureRequest) -> str:
    """'transactional_db', 'db', or '' for a test that does not touch the database."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if {"transactional_db", "live_server"} & names or (marker and marker.kwargs.get("transaction")):
        return "transactional_db"
    return "db" if marker or "db" in names else ""


@pytest.fixture(autouse=True)
def _audit_triggers_in_place(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test that touches the database starts with the audit triggers in place.

    A transactional test ends by emptying every table, which the triggers rightly refuse: they are
    lifted just for that clean-up and put back at the start of the next test.
    """
    database = _database_of(request)
    if not database:
        yield
        return
    from django.db import connection

    from qiaomen.core.audit_triggers import create_audit_triggers, drop_audit_triggers
    from qiaomen.participation.ledger_triggers import create_ledger_triggers, drop_ledger_triggers

    request.getfixturevalue(database)
    create_audit_triggers(connection)
    create_ledger_triggers(connection)  # the points ledger is append-only the same way
    yield
    if database == "transactional_db":
        drop_audit_triggers(connection)
        drop_ledger_triggers(connection)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A browser test fails where Chromium is missing, with the line that installs it."""
    if item.get_closest_marker("browser") is not None:
        require_chromium()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests empty every table when they end. With serialized rollback the rows
    that the data migrations seeded (tags, departments, taxonomy, visit rules) are restored, so
    every test starts in the same world whatever ran before it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = set(getattr(item, "fixturenames", ()))
        transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
            {"transactional_db", "live_server"} & fixtures
        )
        if transactional:
            kwargs = {**(marker.kwargs if marker else {}), "transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(autouse=True)
def _empty_cache(request: pytest.FixtureRequest, _audit_triggers_in_place: None) -> Iterator[None]:
    """Lock-outs, rate limits and cached figures must not leak from one test to the next. The
    cache lives in the database (see qiaomen.core.cache), so only a test with one has a cache."""
    if not _database_of(request):
        yield
        return
    from django.core.cache import cache

    from qiaomen.visits import reference

    cache.clear()
    reference.forget()
    yield
    cache.clear()
    reference.forget()
