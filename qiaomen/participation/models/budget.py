"""The street's yearly budget (R-PAR-4): 20 yuan per household, split 60 / 30 / 10 between staff,
activities and equipment, the spending entered against it, and the quarterly disclosure (公示).

Money is a Decimal in yuan with two places (fen), never a float. A year's budget is fixed once:
the households counted at a stated moment and the amount and split of the setting at that
moment are copied into the year, so households moving in or out, or a later change of the
setting, never change a budget already fixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import pgettext_lazy

from qiaomen.core.models import TransitionHistory
from qiaomen.places.models import Street

__all__ = [
    "BudgetAllotment",
    "BudgetCategory",
    "BudgetDisclosure",
    "BudgetSetting",
    "BudgetYear",
    "Spending",
    "SpendingReceipt",
    "SpendingStatus",
]


class BudgetCategory(models.TextChoices):
    STAFF = "staff", pgettext_lazy("budget", "staff")
    ACTIVITIES = "activities", pgettext_lazy("budget", "activities")
    EQUIPMENT = "equipment", pgettext_lazy("budget", "equipment")


# The plan's figures (R-PAR-4), used until a street admin changes its setting.
DEFAULT_PER_HOUSEHOLD = Decimal("20.00")
DEFAULT_PERCENTS: dict[str, int] = {
    BudgetCategory.STAFF: 60,
    BudgetCategory.ACTIVITIES: 30,
    BudgetCategory.EQUIPMENT: 10,
}


class BudgetSetting(models.Model):
    """A street's amount per household and split, as the street admin set them (one row per
    street, made with the plan's figures when first read). Whole percentages summing to 100."""

    street = models.OneToOneField(Street, on_delete=models.CASCADE, related_name="budget_setting")
    per_household = models.DecimalField(
        pgettext_lazy("budget", "yuan per household and year"), max_digits=8, decimal_places=2
    )
    staff_percent = models.PositiveSmallIntegerField(pgettext_lazy("budget", "staff (%)"))
    activities_percent = models.PositiveSmallIntegerField(pgettext_lazy("budget", "activities (%)"))
    equipment_percent = models.PositiveSmallIntegerField(pgettext_lazy("budget", "equipment (%)"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy("budget", "budget setting")
        constraints = [
            models.CheckConstraint(
                condition=Q(staff_percent=100 - F("activities_percent") - F("equipment_percent")),
                name="budget_setting_shares_sum_to_100",
            ),
            models.CheckConstraint(condition=Q(per_household__gt=0), name="budget_setting_amount_positive"),
        ]

    def percent_of(self, category: str) -> int:
        return int(getattr(self, f"{category}_percent"))


class BudgetYear(models.Model):
    """A street's budget for one calendar year, fixed once and never changed."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="budget_years")
    year = models.PositiveSmallIntegerField(pgettext_lazy("budget", "year"))
    households = models.PositiveIntegerField(pgettext_lazy("budget", "households counted"))
    counted_at = models.DateTimeField(pgettext_lazy("budget", "counted at"))
    per_household = models.DecimalField(max_digits=8, decimal_places=2)
    total = models.DecimalField(pgettext_lazy("budget", "budget"), max_digits=14, decimal_places=2)
    # None: fixed by the periodic job on the year's first day.
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy("budget", "yearly budget")
        ordering = ["-year", "street"]
        constraints = [models.UniqueConstraint(fields=["street", "year"], name="budget_year_once_per_street")]

    def __str__(self) -> str:
        return f"{self.street} {self.year}"


class BudgetAllotment(models.Model):
    """One category's share of a year's budget. `approved` is the sum of the category's approved
    spending, moved only by the approval, in the same transaction, with a conditional UPDATE
    that refuses to pass `amount` (so two approvals at once cannot overspend together, on SQLite
    as on PostgreSQL); the check constraint is the database's own guard."""

    budget = models.ForeignKey(BudgetYear, on_delete=models.CASCADE, related_name="allotments")
    category = models.CharField(max_length=16, choices=BudgetCategory.choices)
    percent = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    approved = models.DecimalField(default=Decimal("0.00"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["budget", "category"], name="budget_allotment_once_per_category"),
            models.CheckConstraint(
                condition=Q(approved__gte=0, approved__lte=F("amount")), name="budget_allotment_not_overspent"
            ),
        ]

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.approved


class SpendingStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("budget", "draft")
    SUBMITTED = "submitted", pgettext_lazy("budget", "submitted")
    APPROVED = "approved", pgettext_lazy("budget", "approved")
    REJECTED = "rejected", pgettext_lazy("budget", "rejected")


# A draft gets its receipts, then is submitted; someone other than the submitter approves or
# rejects it. Approved and rejected are final: a corrected claim is a new entry.
SPENDING_TRANSITIONS: dict[str, frozenset[str]] = {
    SpendingStatus.DRAFT: frozenset({SpendingStatus.SUBMITTED}),
    SpendingStatus.SUBMITTED: frozenset({SpendingStatus.APPROVED, SpendingStatus.REJECTED}),
}


class Spending(TransitionHistory, models.Model):
    """Money spent from a year's budget. Only approved spending counts against it."""

    budget = models.ForeignKey(BudgetYear, on_delete=models.PROTECT, related_name="spending")
    category = models.CharField(pgettext_lazy("budget", "category"), max_length=16, choices=BudgetCategory.choices)
    amount = models.DecimalField(pgettext_lazy("budget", "amount (yuan)"), max_digits=14, decimal_places=2)
    spent_on = models.DateField(pgettext_lazy("budget", "date"))
    # Staff-only: the public disclosure shows categories and sums, never these words.
    description = models.CharField(pgettext_lazy("budget", "description"), max_length=200)
    status = models.CharField(max_length=16, choices=SpendingStatus.choices, default=SpendingStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(pgettext_lazy("budget", "reason"), blank=True)
    version = models.PositiveIntegerField(default=1)

    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]] = SPENDING_TRANSITIONS

    class Meta:
        verbose_name = pgettext_lazy("budget", "spending")
        ordering = ["-spent_on", "-pk"]
        indexes = [models.Index(fields=["budget", "status", "spent_on"], name="spending_budget_status_day")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="spending_amount_positive")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()} {self.amount}"


class SpendingReceipt(models.Model):
    """A receipt of a spending entry (a photo or a PDF), stored under UPLOAD_DIR/budget-receipts
    with a random name and served only as a download to those who handle the budget."""

    spending = models.ForeignKey(Spending, on_delete=models.CASCADE, related_name="receipts")
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]


class BudgetDisclosure(models.Model):
    """A quarter's public disclosure (公示) of a street's budget, kept as published: the figures
    (aggregates only, no names, no descriptions, no receipts) and the PDF, in the row so it
    travels with the database's backups."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="budget_disclosures")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    figures = models.JSONField()
    pdf = models.BinaryField()
    generated_at = models.DateTimeField()
    # None: written by the periodic job.
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy("budget", "budget disclosure")
        ordering = ["-year", "-quarter", "street"]
        constraints = [
            models.UniqueConstraint(fields=["street", "year", "quarter"], name="budget_disclosure_once_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="budget_disclosure_quarter"),
        ]

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def title(self) -> str:
        """As a Chinese notice names it (the documents are in Chinese, like analytics' periods)."""
        return f"{self.year}年第{self.quarter}季度"
