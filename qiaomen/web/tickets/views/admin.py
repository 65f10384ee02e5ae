"""The street admin's ticket settings (taxonomy, working-day overrides) and the figures page.

The figures are qiaomen.analytics.ticket_figures over the tickets the user may see anyway
(tickets_for_user), so a department sees its own, a community its places.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import Department
from qiaomen.accounts.roles import Capability
from qiaomen.analytics.ticket_figures import TARGETS, TicketFigures, ticket_figures, ticket_figures_sum
from qiaomen.places.models import Community, Grid, Street
from qiaomen.tickets import services
from qiaomen.tickets.models import Subcategory, WorkdayOverride
from qiaomen.tickets.selectors import tickets_for_user
from qiaomen.web.shared.views import staff_page, user_with
from qiaomen.web.tickets.forms import SubcategoryForm, WorkdayOverrideForm

FIGURE_LABELS = {
    "response_avg_hours": _("Response time, average (hours)"),
    "on_spot_rate": _("Resolved on the spot"),
    "completion_rate": _("Completion rate"),
    "satisfaction": _("Satisfaction"),
    "repeat_rate": _("Repeat rate"),
    "second_complaint_rate": _("Second-complaint rate"),
    "proactive_share": _("Proactive share"),
}
DIMENSION_LABELS = {
    "street": _("Street"),
    "community": _("Community"),
    "grid": _("Grid"),
    "department": _("Department"),
}
NAME_MODELS: dict[str, Any] = {"street": Street, "community": Community, "grid": Grid, "department": Department}


class FiguresForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(label=_("By"), choices=list(DIMENSION_LABELS.items()))


@dataclass
class FigureRow:
    label: str
    figures: TicketFigures


def _cell(figures: TicketFigures, name: str) -> dict[str, Any]:
    value = getattr(figures, name)
    sign, target = TARGETS[name]
    is_hours = name.endswith("_hours")
    return {
        "value": value,
        "text": "—" if value is None else (f"{value:.1f}" if is_hours else f"{value:.0%}"),
        "target": f"{sign} {target:g}" if is_hours else f"{sign} {target:.0%}",
        "meets": figures.meets(name),
    }


def _table(rows: list[FigureRow]) -> list[dict[str, Any]]:
    return [
        {
            "label": row.label,
            "tickets": row.figures.tickets,
            "overdue": row.figures.overdue,
            "p90": row.figures.response_p90_hours,
            "cells": [_cell(row.figures, name) for name in FIGURE_LABELS],
        }
        for row in rows
    ]


@staff_page
def ticket_figures_page(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_TICKET_FIGURES)
    today = timezone.localdate()
    form = FiguresForm(request.GET or {"start": today.replace(day=1), "end": today, "by": "community"})
    rows: list[dict[str, Any]] = []
    if form.is_valid():
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(form.cleaned_data["start"], dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(form.cleaned_data["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        by = form.cleaned_data["by"]
        tickets = tickets_for_user(user)
        parts = ticket_figures(tickets, start=start, end=end, by=by)
        names = dict(NAME_MODELS[by].objects.filter(pk__in=[k for k in parts if k]).values_list("pk", "name"))
        grouped = [FigureRow(names.get(key, gettext("(none)")), figures) for key, figures in parts.items()]
        grouped.sort(key=lambda row: row.label)
        # The groups sum to the total: the period is queried once.
        total = FigureRow(gettext("All"), ticket_figures_sum(parts.values()))
        rows = _table([*grouped, total])
    context = {
        "form": form,
        "rows": rows,
        "labels": list(FIGURE_LABELS.values()),
    }
    return render(request, "web/tickets/figures.html", context)


@staff_page
def workday_overrides(request: HttpRequest) -> HttpResponse:
    """The admin's corrections of the working-day calendar, and a warning for the years the
    holidays package does not know yet (they fall back to Monday–Friday)."""
    user = user_with(request, Capability.MANAGE_TAXONOMY)
    form = WorkdayOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.workday_override_set(user=user, **form.cleaned_data)
        messages.success(request, gettext("Saved."))
        return redirect("web:workday_overrides")
    # The warning for years the holidays package does not know is base.html's (workday_warning).
    overrides = WorkdayOverride.objects.filter(date__year__gte=timezone.localdate().year - 1)
    context = {"form": form, "overrides": overrides}
    return render(request, "web/tickets/workdays.html", context, status=422 if form.errors else 200)


@staff_page
def taxonomy(request: HttpRequest) -> HttpResponse:
    user_with(request, Capability.MANAGE_TAXONOMY)
    subcategories = Subcategory.objects.select_related("category", "department").order_by("category__code", "code")
    return render(request, "web/tickets/taxonomy.html", {"subcategories": subcategories})


@staff_page
def subcategory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_TAXONOMY)
    subcategory = Subcategory.objects.select_related("category").filter(pk=pk).first()
    if subcategory is None:
        raise Http404
    form = SubcategoryForm(request.POST or None, instance=subcategory)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        services.subcategory_update(subcategory=subcategory, user=user, changes=changes)
        messages.success(request, gettext("Saved."))
        return redirect("web:ticket_taxonomy")
    context = {"form": form, "subcategory": subcategory}
    return render(request, "web/tickets/subcategory_edit.html", context, status=422 if form.errors else 200)
