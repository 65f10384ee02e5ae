"""The satisfaction page: who may open it, which period, and the figures for the reader's places."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.satisfaction import satisfaction_model
from qiaomen.analytics.satisfaction_factors import MIN_GROUP_RATINGS
from qiaomen.analytics.satisfaction_proactive import proactive_breakdown
from qiaomen.web.satisfaction.charts import sources_chart, unit_scores_chart
from qiaomen.web.satisfaction.forms import PeriodForm, last_twelve_months
from qiaomen.web.satisfaction.tables import effect_rows, level_tables, pct, proactive_tables, regression_view
from qiaomen.web.shared.views import current_user, staff_page

TEMPLATE = "web/satisfaction/page.html"
# The command centre's readers; a department handler sees its own department's tickets only, and
# a grid worker their grid: neither gets the street's comparison of units.
READERS = frozenset({Role.STREET_ADMIN, Role.COMMUNITY_STAFF, Role.SUPERVISOR})


@staff_page
def satisfaction_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.is_active or user.role not in READERS:
        raise PermissionDenied
    form = PeriodForm(request.GET or {"period": last_twelve_months(timezone.localdate()).label})
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=422)
    period = form.cleaned_data["period"]
    scope = place_scope(user)
    model = satisfaction_model(scope=scope, period=period)
    breakdown = proactive_breakdown(scope=scope, period=period)
    context = {
        "form": form,
        "period": period,
        "model": model,
        "mean": pct(model.mean),
        "levels": level_tables(model),
        "buckets": [{"label": row.bucket.label, "rated": row.rated, "share": pct(row.share)} for row in model.buckets],
        "effects": effect_rows(model),
        "minimum": MIN_GROUP_RATINGS,
        "regression": regression_view(model.regression),
        "suggestions": [suggestion.text for suggestion in model.suggestions],
        "proactive": proactive_tables(breakdown),
        "grid_chart": unit_scores_chart(model.levels["grid"]),
        "sources_chart": sources_chart(breakdown),
    }
    return render(request, TEMPLATE, context)
