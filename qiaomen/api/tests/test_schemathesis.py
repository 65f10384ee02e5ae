"""Schemathesis over /api/v1 (issue 5, Must show): every operation of the app's own OpenAPI schema,
called through the WSGI app as a street admin with a Bearer token, answers no 5xx and what it
answers matches the schema (status code declared, body conforming, content type right).

The schema is the one the app serves (`/api/v1/openapi.json`), loaded when the test runs, so a
new endpoint is fuzzed without touching this file. Examples are few and derandomized: the suite
runs on two CPUs shared by many, and a failure must reproduce on the next run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from qiaomen.accounts.services import api_token_create
from qiaomen.testing import SmallStreet, make_household
from qiaomen.tickets.models import Channel, Subcategory
from qiaomen.tickets.services import ticket_create
from qiaomen.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _admin_token(street: SmallStreet) -> str:
    token, _ = api_token_create(user=street.users["street_admin"], request=None)
    return token


@pytest.fixture
def admin_token(small_street: SmallStreet) -> str:
    return _admin_token(small_street)


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    """The WSGI app closes the database connection when a request finishes, which would end the
    test's transaction; Django's own test client lifts the same two receivers while it calls."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(small_street: SmallStreet) -> dict[str, list[int]]:
    """Records of both grids, by the path parameter that names them: generated ids are mostly
    unknown (404), so half of them are swapped for real ones and the operations do their work."""
    s = small_street
    make_household(s.building_a, "102")
    tickets = [
        ticket_create(
            channel=Channel.STAFF,
            description=text,
            subcategory=Subcategory.objects.get(code="LIF-MEAL"),
            household=household,
            created_by=s.users["street_admin"],
        ).pk
        for household, text in (
            (s.household_a, "想申请助餐"),
            (s.household_b, "楼道灯坏了"),
            (s.household_a, "想申请送餐"),
        )
    ]
    return {
        "ticket_id": tickets,
        "household_id": [s.household_a.pk, s.household_b.pk],
        "person_id": [s.elder_a.pk, s.resident_b.pk],
    }


@pytest.fixture
def api_schema(db: None, connection_kept_open: None) -> Any:
    """The schema as the app serves it."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error_or_off_schema(
    case: Any, small_street: SmallStreet, admin_token: str, real_ids: dict[str, list[int]]
) -> None:
    for name, value in (case.path_parameters or {}).items():
        if name in real_ids and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = real_ids[name][value // 2 % len(real_ids[name])]
    # Revoking the shared token would leave every later call a 401: revoke gets a token of its own.
    token = _admin_token(small_street) if case.path.endswith("/auth/revoke") else admin_token
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


# The operations that refused values their schema allowed (issue 12, hole 7e): an unknown tag,
# department or sub-category, a period written another way, a position without its longitude.
# Each now states its codes, patterns and pairs in the document (api.schema_rules). POST /visits
# states its position pair and codes too, but stays out of this check: its time window is
# relative to the server's clock and its answers depend on the visit type's questionnaire, and
# JSON Schema can state neither; both keep their documented 422 codes.
DECLARED_OPERATIONS = [
    "GET /api/v1/households",
    "GET /api/v1/tickets",
    "POST /api/v1/tickets",
    "POST /api/v1/tickets/{ticket_id}/transfer",
    "GET /api/v1/coverage",
    "GET /api/v1/worklist",
]
# Who calls each: the street admin reads everything; a transfer is the department handler's.
CALLER = {"POST /api/v1/tickets/{ticket_id}/transfer": "dept_handler"}


@schema.include(name=DECLARED_OPERATIONS).parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_hole_7_schema_valid_input_is_never_refused(
    case: Any, small_street: SmallStreet, real_ids: dict[str, list[int]]
) -> None:
    """Positive data only: whatever the document allows, the operation accepts (or answers
    401/403/404/409 for whom and what exists, never 400 or 422)."""
    for name, value in (case.path_parameters or {}).items():
        if name in real_ids and isinstance(value, int):
            case.path_parameters[name] = real_ids[name][value % len(real_ids[name])]
    persona = CALLER.get(f"{case.method.upper()} {case.path}", "street_admin")
    token, _ = api_token_create(user=small_street.users[persona], request=None)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[*CHECKS, positive_data_acceptance])


def test_hole_7_the_document_lists_this_installations_codes_as_they_are_now(
    small_street: SmallStreet, client: Client
) -> None:
    Subcategory.objects.filter(code="LIF-JOB").update(retired=True)

    document = client.get("/api/v1/openapi.json").json()

    created = document["components"]["schemas"]["TicketIn"]["properties"]["subcategory"]["enum"]
    [listed] = [p for p in document["paths"]["/api/v1/tickets"]["get"]["parameters"] if p["name"] == "subcategory"]
    assert "LIF-MEAL" in created and "LIF-JOB" not in created  # a retired one cannot be raised
    assert "LIF-JOB" in listed["schema"]["anyOf"][0]["enum"]  # but its old tickets can be listed
    [start] = [p for p in document["paths"]["/api/v1/worklist"]["get"]["parameters"] if p["name"] == "start"]
    assert (start["style"], start["explode"], start["schema"]["required"]) == ("form", True, ["lat", "lng"])
