"""The budget pages: the year and its split, the setting, entering spending with a receipt, the
approval by someone else, the receipt as a scoped download, and community staff reading only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from qiaomen.participation.models.budget import BudgetSetting, Spending, SpendingStatus
from qiaomen.participation.tests.budget_helpers import PDF_RECEIPT, entry, png_receipt, street_of_2026, year_fixed
from qiaomen.testing import SmallStreet, sign_in

pytestmark = pytest.mark.django_db
Persona = Callable[[str], Client]
MARCH = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def small_street(db: None) -> SmallStreet:
    return street_of_2026()


@pytest.fixture(autouse=True)
def _in_march(settings: Settings, tmp_path: Path) -> Iterator[None]:
    settings.UPLOAD_DIR = tmp_path
    with time_machine.travel(MARCH, tick=False):
        yield


@pytest.fixture
def as_persona(small_street: SmallStreet) -> Persona:
    return lambda persona: sign_in(Client(), small_street.users[persona])


def test_the_street_admin_fixes_the_year_and_sees_the_split(small_street: SmallStreet, as_persona: Persona) -> None:
    s = small_street
    admin = as_persona("street_admin")
    page = admin.get("/budget/")
    assert page.status_code == 200 and "/fix/" in page.content.decode()
    assert admin.post(f"/budget/streets/{s.street.pk}/fix/").status_code == 302
    html = admin.get("/budget/").content.decode()
    assert "40.00" in html and "24.00" in html and "12.00" in html and "4.00" in html


def test_the_setting_page_refuses_shares_that_do_not_add_up(small_street: SmallStreet, as_persona: Persona) -> None:
    s = small_street
    admin = as_persona("street_admin")
    url = f"/budget/streets/{s.street.pk}/setting/"
    assert admin.get(url).status_code == 200
    form = {"per_household": "20", "staff_percent": "60", "activities_percent": "30", "equipment_percent": "20"}
    refused = admin.post(url, {**form, "version": "1"})
    assert refused.status_code == 422 and "100" in refused.content.decode()
    assert BudgetSetting.objects.get().equipment_percent == 10
    assert (
        admin.post(url, {**form, "equipment_percent": "10", "staff_percent": "60", "version": "1"}).status_code == 302
    )


def test_enter_submit_and_approve_through_the_pages(small_street: SmallStreet, as_persona: Persona) -> None:
    s = small_street
    year_fixed(s.street, 2026)
    admin = as_persona("street_admin")
    answer = admin.post(
        f"/budget/streets/{s.street.pk}/spending/new/",
        {
            "category": "activities",
            "amount": "6.50",
            "spent_on": "2026-03-08",
            "description": "三八节活动",
            "receipts": [SimpleUploadedFile("发票.pdf", PDF_RECEIPT, content_type="application/pdf")],
            "submit_now": "on",
        },
    )
    assert answer.status_code == 302
    spending = Spending.objects.get()
    assert spending.status == SpendingStatus.SUBMITTED
    own = admin.get(f"/budget/spending/{spending.pk}/").content.decode()
    assert f"/budget/spending/{spending.pk}/approve/" not in own  # not for the submitter
    assert admin.post(f"/budget/spending/{spending.pk}/approve/").status_code == 403
    supervisor = as_persona("supervisor")
    assert "三八节活动" not in supervisor.get("/budget/approvals/").content.decode()  # the list shows no descriptions
    assert f"/budget/spending/{spending.pk}/" in supervisor.get("/budget/approvals/").content.decode()
    assert supervisor.post(f"/budget/spending/{spending.pk}/approve/").status_code == 302
    assert Spending.objects.get().status == SpendingStatus.APPROVED
    assert "5.50" in admin.get("/budget/").content.decode()  # 12.00 − 6.50 remain for activities


def test_an_overspending_entry_and_a_fake_receipt_are_refused_on_the_form(
    small_street: SmallStreet,
    as_persona: Persona,
) -> None:
    s = small_street
    year_fixed(s.street, 2026)
    admin = as_persona("street_admin")
    url = f"/budget/streets/{s.street.pk}/spending/new/"
    base = {"category": "equipment", "spent_on": "2026-03-08", "description": "灭火器"}
    over = admin.post(url, {**base, "amount": "4.01"})
    assert over.status_code == 422 and "4.00" in over.content.decode()
    fake = SimpleUploadedFile("receipt.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    refused = admin.post(url, {**base, "amount": "1", "receipts": [fake]})
    assert refused.status_code == 422
    assert not Spending.objects.exists()


def test_receipts_are_downloads_for_those_who_handle_the_money_only(
    small_street: SmallStreet,
    as_persona: Persona,
) -> None:
    s = small_street
    year_fixed(s.street, 2026)
    spending = entry(s, amount="1.00", status="submitted")
    receipt = spending.receipts.get()
    for persona in ("street_admin", "supervisor"):
        answer = as_persona(persona).get(f"/budget/receipts/{receipt.pk}/")
        assert answer.status_code == 200
        assert answer["Content-Disposition"].startswith("attachment")
        assert answer["X-Content-Type-Options"] == "nosniff" and answer["Content-Type"] == "image/png"
        assert b"".join(answer.streaming_content)[:8] == png_receipt()[:8]  # type: ignore[attr-defined]
    staff = as_persona("community_staff")
    assert staff.get(f"/budget/receipts/{receipt.pk}/").status_code == 404
    detail = staff.get(f"/budget/spending/{spending.pk}/")
    assert detail.status_code == 200 and f"/budget/receipts/{receipt.pk}/" not in detail.content.decode()
    assert staff.post(f"/budget/spending/{spending.pk}/approve/").status_code == 403
    assert as_persona("worker_a").get("/budget/").status_code == 403


def test_the_disclosures_page_links_the_public_notices(small_street: SmallStreet, as_persona: Persona) -> None:
    page = as_persona("community_staff").get("/budget/disclosures/")
    assert page.status_code == 200 and "/disclosures/" in page.content.decode()
