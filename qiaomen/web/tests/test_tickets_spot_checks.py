from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import SpotCheck, SpotCheckResult
from qiaomen.web.tests.ticket_helpers import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def check(small_street: SmallStreet) -> SpotCheck:
    return SpotCheck.objects.create(ticket=make_ticket(small_street), reason="sample", created_at=timezone.now())


def test_the_supervisor_sees_the_queue_and_records_a_verdict(
    check: SpotCheck, client_as: Callable[[str], Client]
) -> None:
    supervisor = client_as("supervisor")
    assert list(supervisor.get(reverse("web:spot_check_queue")).context["checks"]) == [check]
    url = reverse("web:spot_check_record", args=[check.pk])
    assert supervisor.post(url, {"result": "confirmed"}).status_code == 302
    check.refresh_from_db()
    assert check.result == SpotCheckResult.CONFIRMED
    assert supervisor.post(url, {"result": "failed", "note": "未上门"}).status_code == 409


def test_a_failed_check_needs_a_note(check: SpotCheck, client_as: Callable[[str], Client]) -> None:
    response = client_as("supervisor").post(reverse("web:spot_check_record", args=[check.pk]), {"result": "failed"})
    assert response.status_code == 422
    assert SpotCheck.objects.get(pk=check.pk).result == SpotCheckResult.PENDING


@pytest.mark.parametrize("persona", ["worker_a", "dept_handler", "street_admin", "community_staff"])
def test_only_supervisors_have_the_queue(check: SpotCheck, client_as: Callable[[str], Client], persona: str) -> None:
    client = client_as(persona)
    assert client.get(reverse("web:spot_check_queue")).status_code == 403
    assert client.post(reverse("web:spot_check_record", args=[check.pk]), {"result": "confirmed"}).status_code == 403
