"""Shared pieces of the budget tests: a receipt, a fixed year, an entry taken to a state."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import time_machine
from django.utils import timezone
from PIL import Image

from qiaomen.accounts.models import User
from qiaomen.participation.budget.disclosure import disclosure_figures
from qiaomen.participation.budget.spending import spending_approve, spending_create, spending_submit
from qiaomen.participation.budget.years import budget_year_fix
from qiaomen.participation.models.budget import BudgetDisclosure, BudgetYear, Spending
from qiaomen.places.models import Street
from qiaomen.testing import SmallStreet, make_small_street

PDF_RECEIPT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_receipt(shade: int = 120) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (shade, shade, shade)).save(out, format="PNG")
    return out.getvalue()


def street_of_2026() -> SmallStreet:
    """small_street as it was on 1 January 2026, so its households count in 2026's budget
    whatever the real date of the test run."""
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        return make_small_street()


def year_fixed(street: Street, year: int) -> BudgetYear:
    budget, _made = budget_year_fix(street=street, year=year, user=None)
    return budget


def entry(
    s: SmallStreet,
    *,
    amount: str,
    category: str = "activities",
    spent_on: str = "2026-03-02",
    status: str = "draft",
    by: str = "street_admin",
    description: str = "重阳节敬老活动物资",
) -> Spending:
    """An entry of small_street's budget, taken as far as `status` (draft, submitted, approved)."""
    user: User = s.users[by]
    spending = spending_create(
        street=s.street,
        user=user,
        category=category,
        amount=Decimal(amount),
        spent_on=dt.date.fromisoformat(spent_on),
        description=description,
        receipts=[png_receipt()],
    )
    if status in ("submitted", "approved"):
        spending = spending_submit(spending=spending, user=user)
    if status == "approved":
        spending = spending_approve(spending=spending, user=s.users["supervisor"])
    return spending


def budget_records(s: SmallStreet) -> tuple[Spending, BudgetDisclosure]:
    """For the scope sweep: this year's budget of the street, a submitted entry with a receipt,
    and a kept disclosure (its row only: the sweep needs no real PDF)."""
    today = timezone.localdate()
    budget = year_fixed(s.street, today.year)
    spending = entry(s, amount="1.00", spent_on=today.isoformat(), status="submitted", description="灭火器")
    disclosure = BudgetDisclosure.objects.create(
        street=s.street,
        year=today.year,
        quarter=1,
        figures=disclosure_figures(budget=budget, quarter=1),
        pdf=b"%PDF",
        generated_at=timezone.now(),
    )
    return spending, disclosure
