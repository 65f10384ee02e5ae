"""The street's budget (R-PAR-4) as JSON: the year's budget and split with what remains, the
spending entries, entering one with its receipts, and its approval.

The rules live in qiaomen.participation.budget; these handlers check the capability first, then
look the record up through the scoped selectors (outside the caller's streets: 404), call one
service and shape the answer. Receipts are uploaded here but never served: the staff page
serves them to those who handle the money.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from qiaomen.accounts.roles import Capability
from qiaomen.api.auth import api_user_with
from qiaomen.api.errors import responses
from qiaomen.participation.budget.receipts import MAX_RECEIPT_BYTES
from qiaomen.participation.budget.selectors import (
    budget_categories,
    budget_handled_street_for_user,
    budget_street_for_user,
    budget_year_of,
    spending_for_user,
    spending_handled_for_user,
    spending_list,
)
from qiaomen.participation.budget.spending import (
    MAX_DESCRIPTION,
    MAX_REASON,
    spending_approve,
    spending_create,
    spending_receipts_add,
    spending_reject,
    spending_submit,
)
from qiaomen.participation.models.budget import Spending

router = Router(tags=["budget"])
Category = Literal["staff", "activities", "equipment"]
SpendingState = Literal["draft", "submitted", "approved", "rejected"]


class BudgetQuery(Schema):
    street: int | None = Field(None, ge=1, description="a street of the caller's; default their first")
    year: int | None = Field(None, ge=2000, le=2100, description="default this year")


class CategoryOut(Schema):
    category: Category
    percent: int
    amount: Decimal
    approved: Decimal
    pending: Decimal = Field(description="submitted, not decided yet")
    remaining: Decimal = Field(description="amount − approved")


class BudgetOut(Schema):
    street_id: int
    year: int
    households: int
    counted_at: dt.datetime
    per_household: Decimal
    total: Decimal
    categories: list[CategoryOut]


class SpendingOut(Schema):
    id: int
    street_id: int
    year: int
    category: Category
    amount: Decimal
    spent_on: dt.date
    description: str
    status: SpendingState
    receipts: int
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    reason: str


class SpendingListOut(Schema):
    items: list[SpendingOut]
    count: int


class SpendingQuery(BudgetQuery):
    status: SpendingState | None = None
    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=200)


class SpendingIn(Schema):
    street: int = Field(ge=1)
    category: Category
    amount: Decimal = Field(gt=0, max_digits=10, decimal_places=2, description="yuan, at most two decimals")
    spent_on: dt.date
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION)


class RejectIn(Schema):
    reason: str = Field(min_length=1, max_length=MAX_REASON)


def _spending(spending: Spending) -> dict[str, Any]:
    return {
        "id": spending.pk,
        "street_id": spending.budget.street_id,
        "year": spending.budget.year,
        "category": spending.category,
        "amount": spending.amount,
        "spent_on": spending.spent_on,
        "description": spending.description,
        "status": spending.status,
        "receipts": spending.receipts.count(),
        "created_at": spending.created_at,
        "submitted_at": spending.submitted_at,
        "decided_at": spending.decided_at,
        "reason": spending.reason,
    }


@router.get("/budget", response=responses(BudgetOut, 401, 403, 404, 422), url_name="budget")
def budget_read(request: HttpRequest, query: Query[BudgetQuery]) -> dict[str, Any]:
    """A street's budget for a year with each category's approved, pending and remaining
    amounts; 404 when the year's budget is not fixed."""
    user = api_user_with(request, Capability.VIEW_BUDGET)
    street = budget_street_for_user(user, query.street)
    budget = budget_year_of(street, query.year or timezone.localdate().year)
    if budget is None:
        raise Http404
    return {
        "street_id": street.pk,
        "year": budget.year,
        "households": budget.households,
        "counted_at": budget.counted_at,
        "per_household": budget.per_household,
        "total": budget.total,
        "categories": [{**vars(c), "remaining": c.remaining} for c in budget_categories(budget)],
    }


@router.get("/budget/spending", response=responses(SpendingListOut, 401, 403, 404, 422), url_name="budget_spending")
def spending_index(request: HttpRequest, query: Query[SpendingQuery]) -> dict[str, Any]:
    user = api_user_with(request, Capability.VIEW_BUDGET)
    street = budget_street_for_user(user, query.street)
    rows = spending_list(user, street=street, year=query.year, status=query.status or "")
    page = rows.order_by("-spent_on", "-pk")[query.offset : query.offset + query.limit]
    return {"items": [_spending(spending) for spending in page], "count": rows.count()}


@router.post(
    "/budget/spending", response=responses(SpendingOut, 400, 401, 403, 404, 422, ok_status=201), url_name="spending_new"
)
def spending_enter(request: HttpRequest, body: SpendingIn) -> Status[dict[str, Any]]:
    """A draft entry without receipts yet: upload them, then submit it."""
    user = api_user_with(request, Capability.MANAGE_BUDGET)
    street = budget_handled_street_for_user(user, body.street)
    spending = spending_create(
        street=street,
        user=user,
        category=body.category,
        amount=body.amount,
        spent_on=body.spent_on,
        description=body.description,
        receipts=[],
        request=request,
    )
    return Status(201, _spending(spending))


@router.get(
    "/budget/spending/{int:spending_id}", response=responses(SpendingOut, 401, 403, 404, 422), url_name="spending"
)
def spending_read(request: HttpRequest, spending_id: int) -> dict[str, Any]:
    user = api_user_with(request, Capability.VIEW_BUDGET)
    return _spending(spending_for_user(user, spending_id))


@router.post(
    "/budget/spending/{int:spending_id}/receipts",
    response=responses(SpendingOut, 400, 401, 403, 404, 409, 422, ok_status=201),
    url_name="spending_receipts",
)
def spending_receipt_upload(request: HttpRequest, spending_id: int, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Add a receipt (a JPEG, PNG or WebP photo, or a PDF; checked by content, at most 10 MB)
    to a draft."""
    user = api_user_with(request, Capability.MANAGE_BUDGET)
    spending = spending_handled_for_user(user, spending_id)
    spending_receipts_add(spending=spending, user=user, raws=[file.read(MAX_RECEIPT_BYTES + 1)], request=request)
    return Status(201, _spending(spending_for_user(user, spending_id)))


@router.post(
    "/budget/spending/{int:spending_id}/submit",
    response=responses(SpendingOut, 401, 403, 404, 409, 422),
    url_name="spending_submit",
)
def spending_submit_op(request: HttpRequest, spending_id: int) -> dict[str, Any]:
    user = api_user_with(request, Capability.MANAGE_BUDGET)
    spending = spending_submit(spending=spending_handled_for_user(user, spending_id), user=user, request=request)
    return _spending(spending)


@router.post(
    "/budget/spending/{int:spending_id}/approve",
    response=responses(SpendingOut, 401, 403, 404, 409, 422),
    url_name="spending_approve",
)
def spending_approve_op(request: HttpRequest, spending_id: int) -> dict[str, Any]:
    """Approve a submitted entry someone else submitted (403 for one's own); 409 when the
    category has not enough left or the entry moved meanwhile."""
    user = api_user_with(request, Capability.APPROVE_SPENDING)
    spending = spending_approve(spending=spending_handled_for_user(user, spending_id), user=user, request=request)
    return _spending(spending)


@router.post(
    "/budget/spending/{int:spending_id}/reject",
    response=responses(SpendingOut, 400, 401, 403, 404, 409, 422),
    url_name="spending_reject",
)
def spending_reject_op(request: HttpRequest, spending_id: int, body: RejectIn) -> dict[str, Any]:
    user = api_user_with(request, Capability.APPROVE_SPENDING)
    spending = spending_handled_for_user(user, spending_id)
    return _spending(spending_reject(spending=spending, user=user, reason=body.reason, request=request))
