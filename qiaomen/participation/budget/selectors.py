"""Who sees which street's budget, the one scoped look-up per record type, the remaining amounts,
and the command centre's figure.

The budget is the street's, not a community's: a street admin and a supervisor see their
streets' budgets, community staff their community's street's, read-only (they spend from it
through the street, and the disclosure is public anyway). The receipts are seen only by those
who handle the money (enter or approve), in the streets assigned to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils.translation import pgettext_lazy

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import PlaceScope, place_scope
from qiaomen.core.models import TransitionEvent
from qiaomen.core.workdays import CHINA
from qiaomen.participation.budget.years import in_fen
from qiaomen.participation.figure import ResourceFigure
from qiaomen.participation.models.budget import (
    BudgetAllotment,
    BudgetCategory,
    BudgetDisclosure,
    BudgetYear,
    Spending,
    SpendingReceipt,
    SpendingStatus,
)
from qiaomen.places.models import Community, Grid, Street


def scope_street_ids(scope: PlaceScope) -> set[int]:
    """The streets a place scope reaches: its streets, and the streets of its communities and grids."""
    streets = set(scope.street_ids)
    streets |= set(Community.objects.filter(pk__in=scope.community_ids).values_list("street_id", flat=True))
    streets |= set(Grid.objects.filter(pk__in=scope.grid_ids).values_list("community__street_id", flat=True))
    return streets


def budget_street_ids(user: User) -> set[int]:
    """The streets whose budget the user may read."""
    if not user.is_authenticated or not user.can(Capability.VIEW_BUDGET):
        return set()
    return scope_street_ids(place_scope(user))


def budget_handler_street_ids(user: User) -> set[int]:
    """The streets whose money the user handles (enters or approves): assigned whole."""
    if not user.is_authenticated or not (user.can(Capability.MANAGE_BUDGET) or user.can(Capability.APPROVE_SPENDING)):
        return set()
    return set(place_scope(user).street_ids)


def budget_streets_for_user(user: User) -> list[Street]:
    return list(Street.objects.filter(pk__in=budget_street_ids(user)).order_by("code"))


def budget_street_for_user(user: User, pk: int | None = None) -> Street:
    """One of the user's budget streets (the first when `pk` is None); 404 outside them."""
    streets = Street.objects.filter(pk__in=budget_street_ids(user)).order_by("code")
    street = streets.first() if pk is None else streets.filter(pk=pk).first()
    if street is None:
        raise Http404
    return street


def budget_handled_street_for_user(user: User, pk: int) -> Street:
    """A street whose money the user handles; 404 otherwise."""
    street = Street.objects.filter(pk__in=budget_handler_street_ids(user), pk=pk).first()
    if street is None:
        raise Http404
    return street


def budget_year_of(street: Street, year: int) -> BudgetYear | None:
    return BudgetYear.objects.filter(street=street, year=year).select_related("street").first()


def spending_for_user(user: User, pk: int) -> Spending:
    spending = (
        Spending.objects.filter(budget__street_id__in=budget_street_ids(user), pk=pk)
        .select_related("budget__street", "created_by", "submitted_by", "decided_by")
        .first()
    )
    if spending is None:
        raise Http404
    return spending


def spending_handled_for_user(user: User, pk: int) -> Spending:
    """An entry of a street whose money the user handles (to add receipts, submit, decide); 404 otherwise."""
    spending = Spending.objects.filter(budget__street_id__in=budget_handler_street_ids(user), pk=pk).first()
    if spending is None:
        raise Http404
    return spending


def spending_history(spending: Spending) -> QuerySet[TransitionEvent]:
    return (
        TransitionEvent.objects.filter(object_type="participation.spending", object_id=str(spending.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )


def spending_list(
    user: User, *, street: Street, year: int | None = None, status: str = "", category: str = ""
) -> QuerySet[Spending]:
    rows = Spending.objects.filter(budget__street_id__in=budget_street_ids(user), budget__street=street)
    if year is not None:
        rows = rows.filter(budget__year=year)
    if status:
        rows = rows.filter(status=status)
    if category:
        rows = rows.filter(category=category)
    return (
        rows.select_related("budget", "created_by", "submitted_by")
        .annotate(receipt_count=Count("receipts"))
        .order_by("-spent_on", "-pk")
    )


def spending_to_decide(user: User) -> QuerySet[Spending]:
    """The approval queue: submitted entries of the user's streets that someone else submitted."""
    if not user.can(Capability.APPROVE_SPENDING):
        return Spending.objects.none()
    return (
        Spending.objects.filter(budget__street_id__in=budget_handler_street_ids(user), status=SpendingStatus.SUBMITTED)
        .exclude(submitted_by=user)
        .select_related("budget__street", "submitted_by")
        .annotate(receipt_count=Count("receipts"))
        .order_by("submitted_at", "pk")
    )


def receipt_for_user(user: User, pk: int) -> SpendingReceipt:
    receipt = (
        SpendingReceipt.objects.filter(spending__budget__street_id__in=budget_handler_street_ids(user), pk=pk)
        .select_related("spending")
        .first()
    )
    if receipt is None:
        raise Http404
    return receipt


def may_see_receipts(user: User, spending: Spending) -> bool:
    return spending.budget.street_id in budget_handler_street_ids(user)


@dataclass(frozen=True)
class CategoryState:
    category: str
    label: str
    percent: int
    amount: Decimal
    approved: Decimal
    pending: Decimal  # submitted, not decided yet

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.approved

    @property
    def used(self) -> Decimal | None:
        return self.approved / self.amount if self.amount else None


def budget_categories(budget: BudgetYear) -> list[CategoryState]:
    """Each category's share, approved and pending spending, in the plan's order."""
    pending = dict(
        budget.spending.filter(status=SpendingStatus.SUBMITTED)
        .order_by()
        .values("category")
        .annotate(total=Sum("amount"))
        .values_list("category", "total")
    )
    allotments = {a.category: a for a in BudgetAllotment.objects.filter(budget=budget)}
    return [
        CategoryState(
            category=category,
            label=str(BudgetCategory(category).label),
            percent=allotments[category].percent,
            amount=allotments[category].amount,
            approved=allotments[category].approved,
            pending=in_fen(pending.get(category)),
        )
        for category in BudgetCategory
        if category in allotments
    ]


def disclosures_of(street_ids: set[int] | None = None) -> QuerySet[BudgetDisclosure]:
    """Kept disclosures, newest first, without their PDFs (they are public: no scope needed)."""
    rows = BudgetDisclosure.objects.select_related("street").defer("pdf")
    if street_ids is not None:
        rows = rows.filter(street_id__in=street_ids)
    return rows.order_by("-year", "-quarter", "street__code")


def disclosure_published(pk: int) -> BudgetDisclosure:
    disclosure = BudgetDisclosure.objects.select_related("street").filter(pk=pk).first()
    if disclosure is None:
        raise Http404
    return disclosure


def budget_figures(*, scope: PlaceScope, start: dt.datetime, end: dt.datetime) -> list[ResourceFigure]:
    """Budget use: the approved spending of the period's year up to the period's end ÷ that
    year's budget, over the streets of the scope. The plan sets no goal for it: it is shown,
    not judged (spending early is neither good nor bad)."""
    last_day = (end - dt.timedelta(microseconds=1)).astimezone(CHINA).date()
    approved = (
        Spending.objects.filter(budget=OuterRef("pk"), status=SpendingStatus.APPROVED, spent_on__lte=last_day)
        .order_by()
        .values("budget")
        .annotate(approved_sum=Sum("amount"))
        .values("approved_sum")
    )
    # One query, however many streets: each budget with its approved spending, summed.
    rows = (
        BudgetYear.objects.filter(street_id__in=scope_street_ids(scope), year=last_day.year)
        .annotate(spent=Subquery(approved, output_field=DecimalField(max_digits=14, decimal_places=2)))
        .values_list("total", "spent")
    )
    sums = list(rows)
    total = in_fen(sum((budget_total for budget_total, _spent in sums), Decimal(0)))
    spent = in_fen(sum((in_fen(budget_spent) for _total, budget_spent in sums), Decimal(0)))
    return [
        ResourceFigure(
            code="budget_use",
            label=pgettext_lazy("budget", "Budget used this year"),
            unit="percent",
            value=(spent / total) if total else None,
            goal=None,
            numerator=spent,
            denominator=total if total else None,
            url_name="web:budget",
        )
    ]
