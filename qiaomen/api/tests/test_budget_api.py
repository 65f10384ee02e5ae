"""The budget API: the year's split with what remains, entering, uploading, submitting and
approving spending, with the service's refusals as codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from qiaomen.participation.tests.budget_helpers import png_receipt, street_of_2026, year_fixed
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_street(db: None) -> SmallStreet:
    return street_of_2026()


@pytest.fixture(autouse=True)
def _in_march(settings: Settings, tmp_path: Path) -> Iterator[None]:
    settings.UPLOAD_DIR = tmp_path
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_spending_through_the_api(
    client: Client, small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    s = small_street
    admin, supervisor = bearer("street_admin"), bearer("supervisor")
    assert client.get("/api/v1/budget", headers=admin).status_code == 404  # not fixed yet
    year_fixed(s.street, 2026)
    budget = client.get("/api/v1/budget?year=2026", headers=admin).json()
    assert budget["total"] == "40.00" and [c["percent"] for c in budget["categories"]] == [60, 30, 10]
    body = {
        "street": s.street.pk,
        "category": "staff",
        "amount": "30.00",
        "spent_on": "2026-03-01",
        "description": "补贴",
    }
    over = client.post("/api/v1/budget/spending", body, content_type="application/json", headers=admin)
    assert (over.status_code, over.json()["code"]) == (422, "category_overspent")
    made = client.post(
        "/api/v1/budget/spending", {**body, "amount": "20.00"}, content_type="application/json", headers=admin
    )
    assert made.status_code == 201 and made.json()["status"] == "draft"
    pk = made.json()["id"]
    early = client.post(f"/api/v1/budget/spending/{pk}/submit", headers=admin)
    assert (early.status_code, early.json()["code"]) == (422, "receipt_missing")
    upload = client.post(
        f"/api/v1/budget/spending/{pk}/receipts",
        {"file": SimpleUploadedFile("r.png", png_receipt(), content_type="image/png")},
        headers=admin,
    )
    assert upload.status_code == 201 and upload.json()["receipts"] == 1
    assert client.post(f"/api/v1/budget/spending/{pk}/submit", headers=admin).json()["status"] == "submitted"
    own = client.post(f"/api/v1/budget/spending/{pk}/approve", headers=admin)
    assert (own.status_code, own.json()["code"]) == (403, "own_spending")
    approved = client.post(f"/api/v1/budget/spending/{pk}/approve", headers=supervisor)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    staff = client.get("/api/v1/budget?year=2026", headers=admin).json()["categories"][0]
    assert (staff["approved"], staff["remaining"]) == ("20.00", "4.00")
    listed = client.get("/api/v1/budget/spending?status=approved", headers=bearer("community_staff")).json()
    assert listed["count"] == 1
    assert client.get("/api/v1/budget", headers=bearer("worker_a")).status_code == 403
