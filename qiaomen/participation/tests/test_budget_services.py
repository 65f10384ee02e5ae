"""The budget's rules (R-PAR-4): households × 20 yuan split 60 / 30 / 10, fixed once; spending
entered with a receipt, approved by someone else, counted only when approved, never past a
category's share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from pytest_django.fixtures import Settings

from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.models import AuditEntry, TransitionEvent
from qiaomen.participation.budget.receipts import receipt_path
from qiaomen.participation.budget.selectors import budget_categories
from qiaomen.participation.budget.spending import (
    spending_approve,
    spending_create,
    spending_receipts_add,
    spending_reject,
    spending_submit,
)
from qiaomen.participation.budget.years import budget_setting_of, budget_setting_update, budget_split
from qiaomen.participation.models.budget import BudgetAllotment, BudgetYear, Spending, SpendingStatus
from qiaomen.participation.tests.budget_helpers import PDF_RECEIPT, entry, png_receipt, street_of_2026, year_fixed
from qiaomen.registry.models import HouseholdStatus
from qiaomen.testing import SmallStreet, make_household

pytestmark = pytest.mark.django_db
MARCH = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def small_street(db: None) -> SmallStreet:
    return street_of_2026()


@pytest.fixture(autouse=True)
def _in_march(settings: Settings, tmp_path: Path) -> Iterator[None]:
    settings.UPLOAD_DIR = tmp_path
    with time_machine.travel(MARCH, tick=False):
        yield


def test_the_split_of_3000_households_is_60_30_10_of_60000_yuan() -> None:
    parts = budget_split(Decimal("60000.00"), {"staff": 60, "activities": 30, "equipment": 10})
    assert parts == {"staff": Decimal("36000.00"), "activities": Decimal("18000.00"), "equipment": Decimal("6000.00")}


def test_rounding_fen_go_to_the_first_category_so_the_parts_add_up() -> None:
    parts = budget_split(Decimal("100.01"), {"staff": 33, "activities": 33, "equipment": 34})
    assert sum(parts.values()) == Decimal("100.01")
    assert parts["activities"] == Decimal("33.00") and parts["equipment"] == Decimal("34.00")


def test_a_year_is_households_times_20_yuan_and_does_not_change_when_households_move(
    small_street: SmallStreet,
) -> None:
    s = small_street
    moved = make_household(s.building_a, "102")
    moved.status = HouseholdStatus.MOVED_OUT
    moved.save()
    budget = year_fixed(s.street, 2026)
    assert (budget.households, budget.total, budget.per_household) == (2, Decimal("40.00"), Decimal("20.00"))
    assert budget.counted_at == MARCH
    amounts = dict(BudgetAllotment.objects.filter(budget=budget).values_list("category", "amount"))
    assert amounts == {"staff": Decimal("24.00"), "activities": Decimal("12.00"), "equipment": Decimal("4.00")}
    make_household(s.building_b, "203")
    assert year_fixed(s.street, 2026).total == Decimal("40.00")
    assert BudgetYear.objects.count() == 1


def test_only_this_years_budget_can_be_fixed(small_street: SmallStreet) -> None:
    with pytest.raises(InvalidInput) as refused:
        year_fixed(small_street.street, 2027)
    assert refused.value.code == "budget_year_invalid"


def test_the_setting_must_sum_to_100_and_changes_only_later_years(small_street: SmallStreet) -> None:
    s = small_street
    budget = year_fixed(s.street, 2026)
    setting = budget_setting_of(s.street)
    for percents, code in (
        ({"staff": 60, "activities": 30, "equipment": 20}, "shares_not_100"),
        ({"staff": 60, "activities": 40}, "shares_invalid"),
        ({"staff": 110, "activities": -10, "equipment": 0}, "shares_invalid"),
    ):
        with pytest.raises(InvalidInput) as refused:
            budget_setting_update(
                street=s.street, user=s.users["street_admin"], per_household=Decimal("20"), percents=percents, version=1
            )
        assert refused.value.code == code
    with pytest.raises(InvalidInput):
        budget_setting_update(
            street=s.street,
            user=s.users["street_admin"],
            per_household=Decimal("20.001"),
            percents={"staff": 50, "activities": 40, "equipment": 10},
            version=1,
        )
    changed = budget_setting_update(
        street=s.street,
        user=s.users["street_admin"],
        per_household=Decimal("25"),
        percents={"staff": 50, "activities": 40, "equipment": 10},
        version=setting.version,
    )
    assert (changed.per_household, changed.staff_percent, changed.version) == (Decimal("25"), 50, 2)
    assert AuditEntry.objects.filter(action="budget_setting.update").count() == 1
    with pytest.raises(Conflict):  # the form was shown with version 1
        budget_setting_update(
            street=s.street,
            user=s.users["street_admin"],
            per_household=Decimal("30"),
            percents={"staff": 50, "activities": 40, "equipment": 10},
            version=1,
        )
    budget.refresh_from_db()
    assert budget.total == Decimal("40.00")


def test_spending_goes_draft_submitted_approved_and_only_approved_counts(small_street: SmallStreet) -> None:
    s = small_street
    year_fixed(s.street, 2026)
    draft = entry(s, amount="5.00")
    submitted = entry(s, amount="3.00", status="submitted")
    states = {c.category: c for c in budget_categories(draft.budget)}
    assert (states["activities"].approved, states["activities"].pending) == (Decimal("0.00"), Decimal("3.00"))
    approved = spending_approve(spending=submitted, user=s.users["supervisor"])
    assert approved.status == SpendingStatus.APPROVED and approved.decided_by == s.users["supervisor"]
    states = {c.category: c for c in budget_categories(draft.budget)}
    assert (states["activities"].approved, states["activities"].remaining) == (Decimal("3.00"), Decimal("9.00"))
    actions = list(
        TransitionEvent.objects.filter(object_type="participation.spending", object_id=str(submitted.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "submit", "approve"]


def test_the_submitter_cannot_approve_or_reject_their_own_spending(small_street: SmallStreet) -> None:
    s = small_street
    year_fixed(s.street, 2026)
    spending = entry(s, amount="2.00", status="submitted")
    with pytest.raises(Forbidden):
        spending_approve(spending=spending, user=s.users["street_admin"])
    with pytest.raises(Forbidden):
        spending_reject(spending=spending, user=s.users["street_admin"], reason="重复报销")
    assert Spending.objects.get(pk=spending.pk).status == SpendingStatus.SUBMITTED


def test_a_rejection_needs_a_reason_and_is_final(small_street: SmallStreet) -> None:
    s = small_street
    year_fixed(s.street, 2026)
    spending = entry(s, amount="2.00", status="submitted")
    with pytest.raises(InvalidInput):
        spending_reject(spending=spending, user=s.users["supervisor"], reason="  ")
    rejected = spending_reject(spending=spending, user=s.users["supervisor"], reason="发票抬头不符")
    assert (rejected.status, rejected.reason) == (SpendingStatus.REJECTED, "发票抬头不符")
    with pytest.raises(Conflict):
        spending_approve(spending=rejected, user=s.users["supervisor"])
    assert BudgetAllotment.objects.get(budget=rejected.budget, category="activities").approved == 0


def test_overspending_a_category_is_refused_at_entry_and_at_approval(small_street: SmallStreet) -> None:
    s = small_street
    year_fixed(s.street, 2026)  # activities: 12.00 yuan
    with pytest.raises(InvalidInput) as refused:
        entry(s, amount="12.01")
    assert refused.value.code == "category_overspent"
    assert "12.00" in str(refused.value.message)
    first = entry(s, amount="8.00", status="submitted")
    second = entry(s, amount="8.00", status="submitted")  # each fits while nothing is approved
    spending_approve(spending=first, user=s.users["supervisor"])
    with pytest.raises(Conflict) as overspent:
        spending_approve(spending=second, user=s.users["supervisor"])
    assert overspent.value.code == "category_overspent"
    assert Spending.objects.get(pk=second.pk).status == SpendingStatus.SUBMITTED
    assert BudgetAllotment.objects.get(budget=first.budget, category="activities").approved == Decimal("8.00")
    # The other categories are untouched: equipment still has its 4 yuan.
    entry(s, amount="4.00", category="equipment", status="approved")


def test_bad_input_is_refused_and_stores_nothing(small_street: SmallStreet, settings: Settings) -> None:
    s = small_street
    year_fixed(s.street, 2026)
    base: dict[str, Any] = {
        "street": s.street,
        "user": s.users["street_admin"],
        "category": "activities",
        "amount": Decimal("1.00"),
        "spent_on": dt.date(2026, 3, 1),
        "description": "茶水",
        "receipts": [png_receipt()],
    }
    cases: list[tuple[dict[str, Any], str]] = [
        ({"category": "travel"}, "category_invalid"),
        ({"amount": Decimal("0")}, "amount_invalid"),
        ({"amount": Decimal("1.005")}, "amount_invalid"),
        ({"spent_on": dt.date(2026, 3, 11)}, "spent_on_future"),
        ({"spent_on": dt.date(2025, 12, 31)}, "budget_not_fixed"),
        ({"description": " "}, "description_invalid"),
        ({"receipts": [b"<html><script>alert(1)</script>"]}, "receipt_type"),
        ({"receipts": [b"%PDF-1.4 truncated"]}, "receipt_type"),
        ({"receipts": [png_receipt()] * 6}, "too_many_receipts"),
    ]
    for change, code in cases:
        with pytest.raises(InvalidInput) as refused:
            spending_create(**{**base, **change})
        assert refused.value.code == code, change
    assert not Spending.objects.exists()
    assert not [path for path in Path(settings.UPLOAD_DIR).rglob("*") if path.is_file()]


def test_receipts_are_checked_by_content_stored_privately_and_locked_once_submitted(
    small_street: SmallStreet,
) -> None:
    s = small_street
    year_fixed(s.street, 2026)
    spending = entry(s, amount="1.00")
    (pdf,) = spending_receipts_add(spending=spending, user=s.users["street_admin"], raws=[PDF_RECEIPT])
    assert pdf.content_type == "application/pdf"
    path = receipt_path(pdf)
    assert path.read_bytes() == PDF_RECEIPT and path.stat().st_mode & 0o777 == 0o600
    assert pdf.stored_name.endswith(".pdf") and len(pdf.stored_name) == 36
    spending = spending_submit(spending=Spending.objects.get(pk=spending.pk), user=s.users["street_admin"])
    with pytest.raises(Conflict):
        spending_receipts_add(spending=spending, user=s.users["street_admin"], raws=[png_receipt()])
    assert spending.receipts.count() == 2


def test_a_spending_without_a_receipt_cannot_be_submitted(small_street: SmallStreet) -> None:
    s = small_street
    year_fixed(s.street, 2026)
    spending = spending_create(
        street=s.street,
        user=s.users["street_admin"],
        category="staff",
        amount=Decimal("1.00"),
        spent_on=dt.date(2026, 3, 1),
        description="网格员补贴",
        receipts=[],
    )
    with pytest.raises(InvalidInput) as refused:
        spending_submit(spending=spending, user=s.users["street_admin"])
    assert refused.value.code == "receipt_missing"
