"""Spending against a year's budget: entered as a draft with its receipts, submitted, then
approved or rejected by someone other than the submitter (SPENDING_TRANSITIONS, through core's
claim_transition). Only approved spending counts against the budget.

Overspending a category is refused, not merely shown: the plan fixes the split, and an approval
that passed a category's share would publish a disclosure breaking it. The entry and the
submission are refused early with the remaining amount in the message; the approval is the
guard that holds under concurrency (BudgetAllotment.approved moves by a conditional UPDATE).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.events import Transition
from qiaomen.core.transitions import claim_transition
from qiaomen.core.workdays import CHINA
from qiaomen.participation.budget.receipts import MAX_RECEIPTS_PER_SPENDING, receipt_store, receipts_clean
from qiaomen.participation.models.budget import (
    BudgetAllotment,
    BudgetCategory,
    BudgetYear,
    Spending,
    SpendingReceipt,
    SpendingStatus,
)
from qiaomen.places.models import Street

MAX_AMOUNT = Decimal("99999999.99")
MAX_DESCRIPTION = 200
MAX_REASON = 500


def _category_label(category: str) -> str:
    return str(BudgetCategory(category).label)


def _amount_checked(amount: Decimal) -> Decimal:
    try:
        valid = amount == amount.quantize(Decimal("0.01")) and Decimal(0) < amount <= MAX_AMOUNT
    except InvalidOperation:
        valid = False
    if not valid:
        raise InvalidInput(
            "amount_invalid", _("The amount must be more than 0 yuan, in fen at most (two decimal places).")
        )
    return amount


def _room_check(allotment: BudgetAllotment, amount: Decimal) -> None:
    """InvalidInput when `amount` does not fit in what the category has left (approved only)."""
    if amount > allotment.remaining:
        raise InvalidInput(
            "category_overspent",
            _("Only %(remaining)s yuan of the %(category)s budget are left; %(amount)s yuan would overspend it.")
            % {"remaining": allotment.remaining, "category": _category_label(allotment.category), "amount": amount},
        )


def _allotment(spending: Spending) -> BudgetAllotment:
    return BudgetAllotment.objects.get(budget_id=spending.budget_id, category=spending.category)


def _receipts_add(spending: Spending, user: User, raws: list[bytes], at: dt.datetime) -> list[SpendingReceipt]:
    cleaned = receipts_clean(raws, room=MAX_RECEIPTS_PER_SPENDING - spending.receipts.count())
    # Each file before its row, so a row never points at nothing.
    return [
        SpendingReceipt.objects.create(
            spending=spending,
            stored_name=receipt_store(receipt),
            content_type=receipt.content_type,
            size=len(receipt.data),
            sha256=receipt.sha256,
            uploaded_by=user,
            uploaded_at=at,
        )
        for receipt in cleaned
    ]


def spending_create(
    *,
    street: Street,
    user: User,
    category: str,
    amount: Decimal,
    spent_on: dt.date,
    description: str,
    receipts: list[bytes],
    request: HttpRequest | None = None,
) -> Spending:
    """A draft entry of the street's budget for `spent_on`'s year, with its receipts, all or
    nothing (a refused receipt leaves no entry and no file)."""
    if category not in BudgetCategory.values:
        raise InvalidInput("category_invalid", _("Choose staff, activities or equipment."))
    _amount_checked(amount)
    now = timezone.now()
    if spent_on > now.astimezone(CHINA).date():
        raise InvalidInput("spent_on_future", _("The date of the spending cannot be in the future."))
    description = description.strip()
    if not description or len(description) > MAX_DESCRIPTION:
        raise InvalidInput(
            "description_invalid", _("Describe the spending in 1 to %(max)s characters.") % {"max": MAX_DESCRIPTION}
        )
    budget = BudgetYear.objects.filter(street=street, year=spent_on.year).first()
    if budget is None:
        raise InvalidInput(
            "budget_not_fixed", _("The budget of %(year)s is not fixed yet: fix it first.") % {"year": spent_on.year}
        )
    _room_check(BudgetAllotment.objects.get(budget=budget, category=category), amount)
    with transaction.atomic():
        spending = Spending.objects.create(
            budget=budget,
            category=category,
            amount=amount,
            spent_on=spent_on,
            description=description,
            created_by=user,
            created_at=now,
        )
        spending.transition_event(Transition(action="create", old="", new=SpendingStatus.DRAFT, actor=user, at=now))
        _receipts_add(spending, user, receipts, now)
        audit_record(
            action="spending.create",
            actor=user,
            request=request,
            obj=spending,
            detail={"category": category, "amount": str(amount), "receipts": len(receipts)},
        )
    return spending


def spending_receipts_add(
    *, spending: Spending, user: User, raws: list[bytes], request: HttpRequest | None = None
) -> list[SpendingReceipt]:
    """More receipts for a draft; once submitted, the evidence the approver saw stays as it was.
    The entry is claimed first, so two uploads at once cannot pass the limit together."""
    if not raws:
        raise InvalidInput("receipt_missing", _("Choose a receipt to upload."))
    with transaction.atomic():
        claim_transition(
            row=spending,
            to_state=None,
            action="receipts_add",
            actor=user,
            from_states=[SpendingStatus.DRAFT],
            detail={"count": len(raws)},
            request=request,
        )
        return _receipts_add(spending, user, raws, timezone.now())


def spending_submit(*, spending: Spending, user: User, request: HttpRequest | None = None) -> Spending:
    """Hand a draft with at least one receipt over for approval."""
    if not spending.receipts.exists():
        raise InvalidInput("receipt_missing", _("Upload the receipt before submitting the spending."))
    if spending.status == SpendingStatus.DRAFT:
        _room_check(_allotment(spending), spending.amount)
    return claim_transition(
        row=spending,
        to_state=SpendingStatus.SUBMITTED,
        action="submit",
        actor=user,
        changes={"submitted_by": user, "submitted_at": timezone.now()},
        request=request,
    )


def _not_the_submitter(spending: Spending, user: User) -> None:
    if spending.submitted_by_id == user.pk:
        raise Forbidden("own_spending", _("Someone other than the submitter must approve or reject this spending."))


def spending_approve(*, spending: Spending, user: User, request: HttpRequest | None = None) -> Spending:
    """Count a submitted entry against its category, or refuse if the category has not enough
    left. The category's sum moves by a conditional UPDATE in the same transaction as the
    claim, so of two approvals that together would overspend, one is refused."""
    _not_the_submitter(spending, user)
    if spending.status != SpendingStatus.SUBMITTED:
        raise Conflict("transition_not_allowed", _("Only submitted spending can be approved."))
    with transaction.atomic():
        allotment = _allotment(spending)
        moved = BudgetAllotment.objects.filter(pk=allotment.pk, approved__lte=F("amount") - spending.amount).update(
            approved=F("approved") + spending.amount
        )
        if not moved:
            allotment.refresh_from_db()
            raise Conflict(
                "category_overspent",
                _("Only %(remaining)s yuan of the %(category)s budget are left; %(amount)s yuan would overspend it.")
                % {
                    "remaining": allotment.remaining,
                    "category": _category_label(allotment.category),
                    "amount": spending.amount,
                },
            )
        return claim_transition(
            row=spending,
            to_state=SpendingStatus.APPROVED,
            action="approve",
            actor=user,
            from_states=[SpendingStatus.SUBMITTED],
            changes={"decided_by": user, "decided_at": timezone.now()},
            audit_detail={"category": spending.category, "amount": str(spending.amount)},
            request=request,
        )


def spending_reject(*, spending: Spending, user: User, reason: str, request: HttpRequest | None = None) -> Spending:
    """Send a submitted entry back for good, with the reason; it never counts."""
    _not_the_submitter(spending, user)
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(
            "reason_invalid", _("Give the reason for the rejection (at most %(max)s characters).") % {"max": MAX_REASON}
        )
    return claim_transition(
        row=spending,
        to_state=SpendingStatus.REJECTED,
        action="reject",
        actor=user,
        reason=reason,
        from_states=[SpendingStatus.SUBMITTED],
        changes={"decided_by": user, "decided_at": timezone.now(), "reason": reason},
        request=request,
    )
