"""The quarterly public disclosure (公示) of a street's budget: the budget, its split, the approved
spending by category in the quarter and in the year so far, and what remains.

Aggregates only, by construction: the figures are sums and counts per category, so no
submitter's or approver's name, no description and nothing of a receipt can reach the page or
the PDF. A disclosure is kept as published (figures and PDF in its row) and never rewritten.
The periodic job (participation.tasks) keeps last quarter's at the start of each quarter and
fixes the new year's budget on 1 January; `manage.py budget_disclosure` keeps one on demand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import InvalidInput
from qiaomen.core.workdays import CHINA
from qiaomen.participation.budget.years import budget_year_fix, in_fen
from qiaomen.participation.models.budget import (
    BudgetAllotment,
    BudgetCategory,
    BudgetDisclosure,
    BudgetYear,
    Spending,
    SpendingStatus,
)
from qiaomen.places.models import Street

STYLESHEET = Path(__file__).with_name("disclosure.css")


def quarter_days(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of a quarter."""
    first = dt.date(year, 3 * (quarter - 1) + 1, 1)
    following = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, following - dt.timedelta(days=1)


def quarter_before(day: dt.date) -> tuple[int, int]:
    """(year, quarter) of the quarter before the one `day` lies in."""
    quarter = (day.month - 1) // 3 + 1
    return (day.year - 1, 4) if quarter == 1 else (day.year, quarter - 1)


def _sums(rows: Any) -> dict[str, tuple[Decimal, int]]:
    grouped = rows.order_by().values("category").annotate(total=Sum("amount"), entries=Count("pk"))
    # SQLite's SUM drops the trailing zeros of a Decimal: published amounts always show fen.
    return {row["category"]: (in_fen(row["total"]), row["entries"]) for row in grouped}


def disclosure_figures(*, budget: BudgetYear, quarter: int) -> dict[str, Any]:
    """What the disclosure publishes, as JSON (money as strings of yuan with two decimals)."""
    first, last = quarter_days(budget.year, quarter)
    approved = Spending.objects.filter(budget=budget, status=SpendingStatus.APPROVED)
    in_quarter = _sums(approved.filter(spent_on__gte=first, spent_on__lte=last))
    to_date = _sums(approved.filter(spent_on__lte=last))
    zero = (Decimal("0.00"), 0)
    categories = []
    for allotment in BudgetAllotment.objects.filter(budget=budget):
        quarter_spent, quarter_entries = in_quarter.get(allotment.category, zero)
        year_spent, _entries = to_date.get(allotment.category, zero)
        categories.append(
            {
                "category": allotment.category,
                "percent": allotment.percent,
                "amount": str(allotment.amount),
                "quarter_spent": str(quarter_spent),
                "quarter_entries": quarter_entries,
                "year_spent": str(year_spent),
                "remaining": str(allotment.amount - year_spent),
            }
        )
    order = list(BudgetCategory.values)
    categories.sort(key=lambda row: order.index(str(row["category"])))
    year_spent_total = sum((Decimal(str(row["year_spent"])) for row in categories), Decimal("0.00"))
    return {
        "street": budget.street.name,
        "year": budget.year,
        "quarter": quarter,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "households": budget.households,
        "counted_on": budget.counted_at.astimezone(CHINA).date().isoformat(),
        "per_household": str(budget.per_household),
        "total": str(budget.total),
        "categories": categories,
        "quarter_spent": str(sum((Decimal(str(row["quarter_spent"])) for row in categories), Decimal("0.00"))),
        "quarter_entries": sum(int(str(row["quarter_entries"])) for row in categories),
        "year_spent": str(year_spent_total),
        "remaining": str(budget.total - year_spent_total),
    }


def disclosure_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The categories with their names in the current language, for the page and the PDF."""
    return [{**row, "label": BudgetCategory(row["category"]).label} for row in figures["categories"]]


def disclosure_html(*, figures: dict[str, Any], generated_at: dt.datetime) -> str:
    """The printed notice's HTML: everything the PDF shows comes from here."""
    return render_to_string(
        "participation/budget/disclosure_print.html",
        {
            "figures": figures,
            "rows": disclosure_rows(figures),
            "generated": timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M"),
        },
    )


def disclosure_pdf(*, figures: dict[str, Any], generated_at: dt.datetime) -> bytes:
    """The notice on A4, in Noto Sans CJK SC (fonts-noto-cjk) as the analytics reports."""
    html = disclosure_html(figures=figures, generated_at=generated_at)
    # Imported here: WeasyPrint takes over a second to import, and only this and the reports use it.
    from weasyprint import CSS, HTML

    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
    assert pdf is not None
    return bytes(pdf)


def disclosure_keep(
    *, street: Street, year: int, quarter: int, user: User | None = None
) -> tuple[BudgetDisclosure, bool]:
    """The street's disclosure of a quarter that is over, kept now if it was not yet; (row, made
    now). A disclosure already kept is returned as it was published."""
    if not 1 <= quarter <= 4:
        raise InvalidInput("quarter_invalid", _("A quarter is 1, 2, 3 or 4."))
    now = timezone.now()
    if quarter_days(year, quarter)[1] >= now.astimezone(CHINA).date():
        raise InvalidInput("quarter_not_over", _("A quarter is disclosed once it is over."))
    kept = BudgetDisclosure.objects.filter(street=street, year=year, quarter=quarter).first()
    if kept is not None:
        return kept, False
    budget = BudgetYear.objects.filter(street=street, year=year).select_related("street").first()
    if budget is None:
        raise InvalidInput(
            "budget_not_fixed",
            _("The budget of %(year)s was never fixed: there is nothing to disclose.") % {"year": year},
        )
    with translation.override(settings.LANGUAGE_CODE):
        figures = disclosure_figures(budget=budget, quarter=quarter)
        pdf = disclosure_pdf(figures=figures, generated_at=now)
    try:
        with transaction.atomic():
            disclosure = BudgetDisclosure.objects.create(
                street=street, year=year, quarter=quarter, figures=figures, pdf=pdf, generated_at=now, generated_by=user
            )
            audit_record(
                action="budget_disclosure.keep", actor=user, obj=disclosure, detail={"period": f"{year}Q{quarter}"}
            )
    except IntegrityError:  # kept by another run meanwhile
        return BudgetDisclosure.objects.get(street=street, year=year, quarter=quarter), False
    return disclosure, True


def budget_quarter_open(*, now: dt.datetime) -> list[BudgetDisclosure]:
    """What the start of a quarter brings, for every street: this year's budget fixed if it is
    not yet (on 1 January: the households counted that day), and last quarter's disclosure kept
    where that year had a budget. Idempotent: a later run that day finds both done."""
    today = now.astimezone(CHINA).date()
    year, quarter = quarter_before(today)
    kept = []
    for street in Street.objects.order_by("pk"):
        budget_year_fix(street=street, year=today.year, user=None)
        if BudgetYear.objects.filter(street=street, year=year).exists():
            disclosure, made = disclosure_keep(street=street, year=year, quarter=quarter)
            if made:
                kept.append(disclosure)
    return kept
