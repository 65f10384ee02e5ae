"""SECURITY.md line 17 for records named in the query string (…/households?grid=…,
…/visits?household_id=…, calendar/?household=…): the path sweep of test_scope_sweep.py fills path
parameters only. Here every parameterless route gets each record-naming query parameter filled
with grid B's record: no outsider's answer shows grid B's people or addresses, and an API
operation that declares the parameter answers as for a record that does not exist.

The API's parameters come from its OpenAPI schema, so a new one that names a record and is not
mapped below fails the sweep instead of slipping through.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qiaomen.tests.sweep_routes import ALSO_INSIDERS
from qiaomen.tests.test_scope_sweep import (  # noqa: F401 (grid_b is a fixture)
    NO_SUCH_PK,
    OUTSIDERS,
    PLAIN_ROUTES,
    Caller,
    GridB,
    Route,
    _leaks,
    _persona,
    _verdict,
    grid_b,
)

# Query parameters that name a record, with its kind (the grid_b fixture's keys).
KIND_BY_QUERY: dict[str, str] = {
    "grid": "grid",
    "building": "building",
    "community": "community",
    "household": "household",
    "household_id": "household",
    "person": "person",
    "person_id": "person",
    "street": "street",
}
# Departments plan visits by place anywhere in the street (R-VIS-5; test_visits_calendar): the
# calendar offers them every grid's buildings by address, never who lives there. For them grid
# B's building address is no leak on these routes; its people still are.
DEPARTMENT_PLANS_BY_BUILDING = {"visits/calendar/", "visits/calendar/buildings/"}
# Query parameters that name no record of a place (paging, filters by code or state, a position).
# `start` is the work list's starting position (lat and lng as one form-exploded object); `level`
# names how the figures are cut (street, community, grid, worker, department), not a place;
# `year` and `on` (a budget's or a rate's year, the week of service-point coverage) are dates.
NOT_RECORDS = {
    "limit",
    "offset",
    "tag",
    "period",
    "status",
    "department",
    "overdue",
    "subcategory",
    "lat",
    "lng",
    "start",
    "level",
    "year",
    "on",
}


def _declared_queries() -> dict[str, set[str]]:
    """For each API path (as routed, without the leading slash): its GET query parameters."""
    schema: dict[str, Any] = Client().get("/api/v1/openapi.json").json()
    return {
        path.lstrip("/"): {p["name"] for p in ops["get"].get("parameters", []) if p["in"] == "query"}
        for path, ops in schema["paths"].items()
        if "get" in ops
    }


@pytest.mark.django_db
def test_every_api_query_parameter_is_known_to_the_sweep() -> None:
    unknown = {
        (path, name)
        for path, names in _declared_queries().items()
        for name in names
        if name not in KIND_BY_QUERY and name not in NOT_RECORDS
    }
    assert not unknown, f"map these query parameters in {__file__}: {sorted(unknown)}"


@pytest.mark.parametrize("route", [r for r in PLAIN_ROUTES if not r.parameters], ids=lambda r: r.route or "/")
def test_security_17_outsiders_get_nothing_of_grid_b_through_the_query_string(
    grid_b: GridB,  # noqa: F811 (the path sweep's fixture, imported above)
    route: Route,
) -> None:
    declared = _declared_queries().get(route.route, set()) if route.is_api else set(KIND_BY_QUERY)
    problems: list[str] = []
    names = sorted(declared & set(KIND_BY_QUERY))
    # Signed in once per persona: only GETs are sent here, and no GET signs out.
    callers = {persona: Caller(_persona(grid_b.street, persona)) for persona in OUTSIDERS if names}
    for caller in callers.values():
        caller.sign_in()
    for name in names:
        record = grid_b.records[KIND_BY_QUERY[name]]
        url, missing_url = f"/{route.route}?{name}={record.pk}", f"/{route.route}?{name}={NO_SUCH_PK}"
        also_insiders = ALSO_INSIDERS.get(KIND_BY_QUERY[name], set())
        for persona, caller in callers.items():
            answer = caller.request("get", route, url)
            if (
                route.is_api
                and persona not in also_insiders
                and (verdict := _verdict("get", answer, caller.request("get", route, missing_url)))
            ):
                problems.append(f"{persona or 'anonymous'} GET {url}: {verdict}")
            markers = grid_b.markers
            if persona == "dept_handler" and route.route in DEPARTMENT_PLANS_BY_BUILDING:
                markers = [m for m in markers if grid_b.street.building_b.address not in m]
            if leaks := _leaks(answer, markers):
                problems.append(f"{persona or 'anonymous'} GET {url}: shows {leaks}")
    assert not problems, "\n".join(problems)
