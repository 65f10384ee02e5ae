"""A street's budget setting and fixing a year's budget from it.

The year's budget is the households × the amount per household, counted once: the households
of the street that have not moved out at the moment of counting (the registry's present
households, as the door codes and the coverage count them). The moment is stored with the count,
and the amount and split are copied from the setting, so a fixed year never changes.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.core.workdays import CHINA
from qiaomen.participation.models.budget import (
    DEFAULT_PER_HOUSEHOLD,
    DEFAULT_PERCENTS,
    BudgetAllotment,
    BudgetCategory,
    BudgetSetting,
    BudgetYear,
)
from qiaomen.places.models import Street
from qiaomen.registry.models import Household, HouseholdStatus

FEN = Decimal("0.01")
MAX_PER_HOUSEHOLD = Decimal("1000.00")


def in_fen(value: Decimal | int | None) -> Decimal:
    """A sum as yuan with two decimals (SQLite's SUM drops a Decimal's trailing zeros; None is 0)."""
    return Decimal(value or 0).quantize(FEN)


def budget_setting_of(street: Street) -> BudgetSetting:
    """The street's setting; the plan's figures (20 yuan, 60 / 30 / 10) until an admin changes them."""
    setting, _created = BudgetSetting.objects.get_or_create(
        street=street,
        defaults={"per_household": DEFAULT_PER_HOUSEHOLD, **{f"{c}_percent": p for c, p in DEFAULT_PERCENTS.items()}},
    )
    return setting


def budget_setting_check(*, per_household: Decimal, percents: dict[str, int]) -> None:
    """InvalidInput unless the amount is a positive sum in fen and the shares are whole
    percentages of every category summing to 100."""
    try:
        valid_amount = per_household == per_household.quantize(FEN) and Decimal(0) < per_household <= MAX_PER_HOUSEHOLD
    except InvalidOperation:
        valid_amount = False
    if not valid_amount:
        raise InvalidInput(
            "per_household_invalid",
            _("The amount per household must be more than 0 and at most %(max)s yuan, in fen at most.")
            % {"max": MAX_PER_HOUSEHOLD},
        )
    if set(percents) != set(BudgetCategory.values) or any(not 0 <= p <= 100 for p in percents.values()):
        raise InvalidInput("shares_invalid", _("Give each category a whole percentage from 0 to 100."))
    if sum(percents.values()) != 100:
        raise InvalidInput(
            "shares_not_100",
            _("The shares add up to %(sum)s %%; they must add up to 100 %%.") % {"sum": sum(percents.values())},
        )


def budget_setting_update(
    *,
    street: Street,
    user: User,
    per_household: Decimal,
    percents: dict[str, int],
    version: int,
    request: HttpRequest | None = None,
) -> BudgetSetting:
    """Change the street's setting (for the years fixed from now on). `version` is the one the
    form was shown with: a setting changed since is a conflict, never overwritten unseen."""
    budget_setting_check(per_household=per_household, percents=percents)
    setting = budget_setting_of(street)
    before: dict[str, str | int] = {"per_household": str(setting.per_household)}
    before.update({str(category): setting.percent_of(category) for category in BudgetCategory})
    with transaction.atomic():
        changed = BudgetSetting.objects.filter(pk=setting.pk, version=version).update(
            per_household=per_household,
            **{f"{category}_percent": percent for category, percent in percents.items()},
            version=F("version") + 1,
            updated_at=timezone.now(),
            updated_by=user,
        )
        if not changed:
            raise Conflict(
                "budget_setting_changed", _("Someone else changed this just now: refresh the page and try again.")
            )
        audit_record(
            action="budget_setting.update",
            actor=user,
            request=request,
            obj=setting,
            detail={"from": before, "to": {"per_household": str(per_household), **percents}},
        )
    setting.refresh_from_db()
    return setting


def budget_split(total: Decimal, percents: dict[str, int]) -> dict[str, Decimal]:
    """Each category's share of `total` in fen, rounded down; the fen left over by rounding go
    to the first category, so the parts always add up to the total exactly."""
    parts = {category: (total * percents[category] / 100).quantize(FEN, rounding=ROUND_DOWN) for category in percents}
    first = next(iter(parts))
    parts[first] += total - sum(parts.values())
    return parts


def households_counted(street: Street, *, at: dt.datetime) -> int:
    """The street's households present at `at`: made by then and not moved out."""
    return (
        Household.objects.filter(building__grid__community__street=street, created_at__lte=at)
        .exclude(status=HouseholdStatus.MOVED_OUT)
        .count()
    )


def budget_year_fix(
    *, street: Street, year: int, user: User | None, request: HttpRequest | None = None
) -> tuple[BudgetYear, bool]:
    """The street's budget for `year` (this year in Shanghai only: the households are counted
    now), made from the setting if it is not fixed yet; (budget, made now). Idempotent: a year
    already fixed is returned as it is. `user` None: the periodic job on the year's first day."""
    now = timezone.now()
    if year != now.astimezone(CHINA).year:
        raise InvalidInput(
            "budget_year_invalid", _("Only this year's budget can be fixed: its households are counted now.")
        )
    existing = BudgetYear.objects.filter(street=street, year=year).first()
    if existing is not None:
        return existing, False
    setting = budget_setting_of(street)
    households = households_counted(street, at=now)
    total = (setting.per_household * households).quantize(FEN)
    percents = {str(category): setting.percent_of(category) for category in BudgetCategory}
    try:
        with transaction.atomic():
            budget = BudgetYear.objects.create(
                street=street,
                year=year,
                households=households,
                counted_at=now,
                per_household=setting.per_household,
                total=total,
                fixed_by=user,
            )
            BudgetAllotment.objects.bulk_create(
                BudgetAllotment(budget=budget, category=category, percent=percents[category], amount=amount)
                for category, amount in budget_split(total, percents).items()
            )
            audit_record(
                action="budget_year.fix",
                actor=user,
                request=request,
                obj=budget,
                detail={"year": year, "households": households, "total": str(total), "percents": percents},
            )
    except IntegrityError:  # fixed by someone else (or the job) meanwhile
        return BudgetYear.objects.get(street=street, year=year), False
    return budget, True
