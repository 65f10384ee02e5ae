"""What the audit log records (SECURITY 20) and that an action fails with its audit row (22)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client, RequestFactory
from django.urls import reverse

from qiaomen.accounts.models import ApiToken
from qiaomen.accounts.services import api_token_issue
from qiaomen.core.models import AuditEntry, AuditResult
from qiaomen.core.tests.audit_helpers import audit_writes_refused
from qiaomen.registry.models import Person
from qiaomen.registry.services import person_unmask
from qiaomen.testing import PASSWORD, SmallStreet
from qiaomen.visits.models import Visit
from qiaomen.web.tests.visit_helpers import MET_ANSWERS, visits_clock  # noqa: F401

IP = "203.0.113.7"


def _visit(household_id: int) -> dict[str, Any]:
    return {
        "client_uuid": "8d1c1a8e-5b7e-4c55-9a39-3a1f4f0d2c11",
        "household_id": household_id,
        "visited_at": "2026-11-16T09:00:00+08:00",
        "outcome": "met",
        "answers": MET_ANSWERS,
    }


@pytest.mark.usefixtures("visits_clock")
def test_security_20_each_action_writes_a_row_with_time_user_ip_action_object_result(
    client: Client, small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    elder = small_street.elder_a
    phone_headers = bearer("worker_a")  # issued (and audited) before the actions below
    first = AuditEntry.objects.order_by("pk").last()
    login = reverse("web:login")
    client.post(login, {"username": "worker1", "password": "wrong-password"}, REMOTE_ADDR=IP)
    client.post(login, {"username": "worker1", "password": PASSWORD}, REMOTE_ADDR=IP)
    client.get(reverse("web:person_detail", args=[elder.pk]), REMOTE_ADDR=IP)
    client.post(reverse("web:person_unmask", args=[elder.pk]), {"field": "phone", "reason": "回访"}, REMOTE_ADDR=IP)
    client.post(reverse("web:logout"), REMOTE_ADDR=IP)
    created = client.post(
        "/api/v1/visits",
        _visit(small_street.household_a.pk),
        content_type="application/json",
        headers=phone_headers,
        REMOTE_ADDR=IP,
    )
    assert created.status_code == 201
    visit = Visit.objects.get()

    rows = [
        (r.actor_name, r.ip, r.action, r.object_type, r.object_id, r.result)
        for r in AuditEntry.objects.filter(pk__gt=first.pk if first else 0).order_by("pk")
    ]
    assert rows == [
        ("worker1", IP, "auth.login", "", "", AuditResult.DENIED),
        ("worker1", IP, "auth.login", "", "", AuditResult.OK),
        ("worker1", IP, "person.view", "registry.person", str(elder.pk), AuditResult.OK),
        ("worker1", IP, "person.unmask", "registry.person", str(elder.pk), AuditResult.OK),
        ("worker1", IP, "auth.logout", "", "", AuditResult.OK),
        ("worker1", IP, "visit.record", "visits.visit", str(visit.pk), AuditResult.OK),
    ]
    for entry in AuditEntry.objects.all():
        assert entry.at.utcoffset() == dt.timedelta(0)  # stored and read back in UTC
    # Never the full value that was unmasked.
    assert not AuditEntry.objects.filter(detail__icontains=elder.phone).exists()


def test_security_22_no_token_is_issued_when_its_audit_row_cannot_be_written(small_street: SmallStreet) -> None:
    with audit_writes_refused(), pytest.raises(DatabaseError):
        api_token_issue(username="worker1", password=PASSWORD, request=RequestFactory().post("/"))

    assert not ApiToken.objects.exists()


def test_security_22_no_value_is_unmasked_when_its_audit_row_cannot_be_written(small_street: SmallStreet) -> None:
    worker = small_street.users["worker_a"]
    elder = Person.objects.get(pk=small_street.elder_a.pk)
    with audit_writes_refused(), pytest.raises(DatabaseError):
        person_unmask(user=worker, person=elder, field="phone", reason="回访")

    assert not AuditEntry.objects.filter(action="person.unmask").exists()
