"""Approvals at once never overspend a category together: each fits alone, only some fit together."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from pytest_django.fixtures import Settings

from qiaomen.core.errors import Conflict
from qiaomen.participation.budget.spending import spending_approve
from qiaomen.participation.models.budget import BudgetAllotment, Spending, SpendingStatus
from qiaomen.participation.tests.budget_helpers import entry, street_of_2026, year_fixed
from qiaomen.testing import at_once


@pytest.mark.django_db(transaction=True)
def test_five_approvals_at_once_of_5_yuan_each_from_12_yuan_approve_two(settings: Settings, tmp_path: Path) -> None:
    s = street_of_2026()
    settings.UPLOAD_DIR = tmp_path
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        year_fixed(s.street, 2026)  # activities: 12.00 yuan
        pks = [entry(s, amount="5.00", status="submitted").pk for _ in range(5)]

    def approve(index: int) -> str:
        try:
            spending_approve(spending=Spending.objects.get(pk=pks[index]), user=s.users["supervisor"])
        except Conflict as refused:
            return refused.code
        return "approved"

    outcomes = at_once(5, approve)
    assert sorted(outcomes) == ["approved"] * 2 + ["category_overspent"] * 3
    allotment = BudgetAllotment.objects.get(budget__street=s.street, category="activities")
    assert allotment.approved == Decimal("10.00")
    assert Spending.objects.filter(status=SpendingStatus.APPROVED).count() == 2
