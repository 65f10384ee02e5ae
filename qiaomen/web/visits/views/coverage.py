"""Coverage of the user's places in a month or a quarter (R-VIS-6), pauses shown as such (R-VIS-7)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from qiaomen.accounts.roles import Capability
from qiaomen.registry.models import Household
from qiaomen.registry.selectors import households_for_user
from qiaomen.visits.coverage import TARGET_OVERALL, TARGET_SPECIAL, coverage_report
from qiaomen.visits.periods import Period, PeriodKind, parse_period_label, period_containing
from qiaomen.web.shared.views import staff_page, user_with

# The lists under the table name this many households at most; the count says how many there are.
HOUSEHOLDS_LISTED = 100
PERIOD_LABEL_MAX = 16


def _households(ids: list[int]) -> list[Household]:
    return list(
        Household.objects.filter(pk__in=ids[:HOUSEHOLDS_LISTED])
        .select_related("building")
        .order_by("building__address_key", "unit", "room")
    )


def _period_links(today_period: dict[str, Period]) -> list[dict[str, str]]:
    names = {
        "month": gettext("This month"),
        "quarter": gettext("This quarter"),
        "last_month": gettext("Last month"),
        "last_quarter": gettext("Last quarter"),
    }
    return [{"label": names[key], "period": period.label} for key, period in today_period.items()]


@staff_page
def coverage(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_VISITS)
    today = timezone.localdate()
    month = period_containing(PeriodKind.MONTH, today)
    quarter = period_containing(PeriodKind.QUARTER, today)
    label = request.GET.get("period", "").strip()[:PERIOD_LABEL_MAX]
    try:
        period = parse_period_label(label) if label else month
    except ValueError:
        message = gettext("“%(label)s” is not a period: write a month as 2026-11 or a quarter as 2026-Q4.") % {
            "label": label
        }
        return render(request, "web/domain_error.html", {"message": message}, status=400)
    report = coverage_report(households_for_user(user), period=period, today=today)
    context = {
        "report": report,
        "period": period,
        "periods": _period_links(
            {"month": month, "quarter": quarter, "last_month": month.previous(), "last_quarter": quarter.previous()}
        ),
        "target_overall": TARGET_OVERALL,
        "target_special": TARGET_SPECIAL,
        "never_visited": _households(report.never_visited),
        "special_not_visited": _households(report.special_not_visited_this_month),
        "listed_at_most": HOUSEHOLDS_LISTED,
    }
    return render(request, "web/visits/coverage.html", context)
