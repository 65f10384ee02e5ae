"""Every staff page × every role without grid B: grid B's records are 404, and no list shows them.

The sweep reads the URL configuration, so a new page is walked as soon as it is added. A page
whose URL names a record must say here how to name grid B's one; until it does, this test fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from qiaomen.testing import SmallStreet
from qiaomen.visits.models import Outcome, VerificationRequest
from qiaomen.web.tests.records import add_import_trail
from qiaomen.web.tests.visit_helpers import pause_visits, record_visit


def _batch(street: SmallStreet) -> dict[str, int]:
    """An import someone else uploaded, which changed grid B's resident (batches belong to their uploader)."""
    return {"pk": add_import_trail(street.resident_b, incoming_phone="13911112222").batch_id}


def _conflict(street: SmallStreet) -> dict[str, int]:
    return {"pk": add_import_trail(street.resident_b, incoming_phone="13911112222").pk}


def _verification(street: SmallStreet) -> dict[str, int]:
    """Grid B's worker found their household moved out: community 2's staff are to verify it."""
    record_visit(street, street.household_b, outcome=Outcome.MOVED_OUT, at=timezone.now(), worker="worker_b")
    return {"pk": VerificationRequest.objects.get(household=street.household_b).pk}


def _pause(street: SmallStreet) -> dict[str, int]:
    return {"pk": pause_visits(street, street.grid_b).pk}


# URL name → the keyword arguments that name grid B's record of that kind (created if need be).
GRID_B_RECORDS: dict[str, Callable[[SmallStreet], dict[str, int]]] = {
    "web:household_detail": lambda street: {"pk": street.household_b.pk},
    "web:person_detail": lambda street: {"pk": street.resident_b.pk},
    "web:person_unmask": lambda street: {"pk": street.resident_b.pk},
    "web:grid_detail": lambda street: {"pk": street.grid_b.pk},
    "web:import_preview": _batch,
    "web:import_confirm": _batch,
    "web:import_result": _batch,
    "web:import_rejects": _batch,
    "web:import_conflict_resolve": _conflict,
    "web:visit_new": lambda street: {"pk": street.household_b.pk},
    "web:verification_resolve": _verification,
    "web:visit_pause_lift": _pause,
}
# Personas whose places do not include grid B.
OUTSIDE_GRID_B = ["worker_a", "community_staff", "building_chief", "dept_handler", "auditor", "unassigned"]


def _web_routes() -> Iterator[tuple[str, bool]]:
    """(namespaced URL name, whether the URL takes arguments) of every page under web:."""

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> Iterator[tuple[str, bool]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
                yield from walk(pattern.url_patterns, inner)
            elif namespace.split(":")[0] == "web" and pattern.name:
                yield f"{namespace}:{pattern.name}", bool(pattern.pattern.converters)  # type: ignore[attr-defined]

    yield from walk(get_resolver().url_patterns, "")


ROUTES = sorted(_web_routes())


def test_the_sweep_knows_how_to_name_a_grid_b_record_for_every_page() -> None:
    assert [name for name, takes_args in ROUTES if takes_args and name not in GRID_B_RECORDS] == []


def _status(client: Client, url: str) -> int:
    response = client.get(url)
    if response.status_code == 405:  # POST-only pages
        response = client.post(url, {"field": "id_number", "reason": "核对"})
    return response.status_code


@pytest.mark.parametrize("persona", OUTSIDE_GRID_B)
@pytest.mark.parametrize("name", [name for name, takes_args in ROUTES if takes_args and name in GRID_B_RECORDS])
def test_grid_b_records_cannot_be_told_from_records_that_do_not_exist(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str, name: str
) -> None:
    """404 where the page looks the record up; 403 only where the role may not open the page at all,
    whatever the record (the import pages): never a different answer for a record that exists."""
    client = client_as(persona)
    grid_b = _status(client, reverse(name, kwargs=GRID_B_RECORDS[name](small_street)))
    missing = _status(client, reverse(name, kwargs={"pk": 10**9}))
    assert grid_b == missing
    assert grid_b in (403, 404)
    if name.startswith(("web:household", "web:person", "web:grid")):
        assert grid_b == 404


@pytest.mark.parametrize("persona", OUTSIDE_GRID_B)
@pytest.mark.parametrize("name", [name for name, takes_args in ROUTES if not takes_args])
def test_no_list_page_shows_grid_b(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str, name: str
) -> None:
    content = client_as(persona).get(reverse(name), follow=True).content.decode()
    resident = small_street.resident_b
    for leak in (resident.name, resident.id_masked, resident.phone_masked, small_street.building_b.address):
        assert leak not in content
