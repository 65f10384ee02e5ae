"""The verification queue: what visits found (moved out, registration mismatch) is checked by
community staff, within their places."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.registry.models import HouseholdStatus, RecordChange
from qiaomen.testing import SmallStreet
from qiaomen.visits.models import Outcome, VerificationRequest, VerificationStatus
from qiaomen.web.tests.visit_helpers import record_visit, visits_clock  # noqa: F401

pytestmark = pytest.mark.usefixtures("visits_clock")
QUEUE = reverse("web:verification_queue")


@pytest.fixture
def found(small_street: SmallStreet) -> dict[str, VerificationRequest]:
    """Grid A's household moved out; grid B's does not match its registration."""
    record_visit(small_street, small_street.household_a, outcome=Outcome.MOVED_OUT)
    record_visit(small_street, small_street.household_b, outcome=Outcome.MISMATCH, worker="worker_b")
    return {
        "a": VerificationRequest.objects.get(household=small_street.household_a),
        "b": VerificationRequest.objects.get(household=small_street.household_b),
    }


def _resolve(client: Client, verification: VerificationRequest, **data: str) -> Any:
    return client.post(reverse("web:verification_resolve", args=[verification.pk]), data)


def test_community_staff_see_the_open_requests_of_their_places_only(
    client_as: Callable[[str], Client], small_street: SmallStreet, found: dict[str, VerificationRequest]
) -> None:
    content = client_as("community_staff").get(QUEUE).content.decode()
    assert str(small_street.household_a) in content and "已迁出" in content
    assert "worker1" in content and "2026-11-16" in content
    assert str(small_street.household_b) not in content


def test_the_street_admin_sees_every_community(
    client_as: Callable[[str], Client], small_street: SmallStreet, found: dict[str, VerificationRequest]
) -> None:
    content = client_as("street_admin").get(QUEUE).content.decode()
    assert str(small_street.household_a) in content and str(small_street.household_b) in content
    assert "登记信息不符" in content


def test_resolving_with_a_new_status_updates_the_household_and_its_history(
    client_as: Callable[[str], Client], small_street: SmallStreet, found: dict[str, VerificationRequest]
) -> None:
    client = client_as("community_staff")
    response = _resolve(client, found["a"], note="邻居证实已搬走三个月", household_status=HouseholdStatus.MOVED_OUT)
    assert response.status_code == 302
    found["a"].refresh_from_db()
    small_street.household_a.refresh_from_db()
    assert found["a"].status == VerificationStatus.DONE and found["a"].resolution_note == "邻居证实已搬走三个月"
    assert small_street.household_a.status == HouseholdStatus.MOVED_OUT
    assert RecordChange.objects.filter(object_id=small_street.household_a.pk, field="status").exists()
    content = client.get(QUEUE).content.decode()
    assert "暂无需要核实的住户。" in content and "邻居证实已搬走三个月" in content


def test_resolving_without_a_status_leaves_the_household_alone(
    client_as: Callable[[str], Client], small_street: SmallStreet, found: dict[str, VerificationRequest]
) -> None:
    _resolve(client_as("community_staff"), found["a"], note="仍在住，走访时外出", household_status="")
    small_street.household_a.refresh_from_db()
    assert small_street.household_a.status == HouseholdStatus.OCCUPIED


def test_a_note_is_needed(
    client_as: Callable[[str], Client], small_street: SmallStreet, found: dict[str, VerificationRequest]
) -> None:
    response = _resolve(client_as("community_staff"), found["a"], note="", household_status="")
    assert response.status_code == 422
    found["a"].refresh_from_db()
    assert found["a"].status == VerificationStatus.OPEN


def test_a_request_resolved_twice_says_so(
    client_as: Callable[[str], Client], small_street: SmallStreet, found: dict[str, VerificationRequest]
) -> None:
    client = client_as("community_staff")
    _resolve(client, found["a"], note="已核实")
    again = _resolve(client, found["a"], note="再次核实")
    assert again.status_code == 409
    assert "该核实任务已被处理" in again.content.decode()


def test_another_communitys_request_does_not_exist_for_them(
    client_as: Callable[[str], Client], small_street: SmallStreet, found: dict[str, VerificationRequest]
) -> None:
    assert _resolve(client_as("community_staff"), found["b"], note="x").status_code == 404
    found["b"].refresh_from_db()
    assert found["b"].status == VerificationStatus.OPEN


@pytest.mark.parametrize("persona", ["worker_a", "building_chief", "dept_handler", "supervisor", "auditor"])
def test_other_roles_may_not_verify(
    client_as: Callable[[str], Client],
    small_street: SmallStreet,
    found: dict[str, VerificationRequest],
    persona: str,
) -> None:
    client = client_as(persona)
    assert client.get(QUEUE).status_code == 403
    assert _resolve(client, found["a"], note="x").status_code == 403
