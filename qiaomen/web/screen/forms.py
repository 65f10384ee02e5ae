"""Filters of the heat map and the form that issues a wall screen's kiosk link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaomen.accounts.screens import LONGEST_DAYS
from qiaomen.analytics.heatmap import heat_categories
from qiaomen.analytics.periods import ReportPeriod, Span, period_of, period_parse
from qiaomen.places.models import Street


def this_month() -> ReportPeriod:
    return period_of(Span.MONTH, timezone.localdate())


class HeatFilterForm(forms.Form):
    period = forms.CharField(
        label=pgettext_lazy("screen", "Period"),
        max_length=40,
        required=False,
        help_text=_("A month (2026-11), a quarter (2026Q4), a year (2026) or days (2026-03-01..2026-05-31)."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=heat_categories(),
        to_field_name="code",
        required=False,
        empty_label=pgettext_lazy("screen", "All categories"),
    )

    def clean_period(self) -> ReportPeriod:
        text = self.cleaned_data["period"].strip()
        if not text:
            return this_month()
        try:
            return period_parse(text)
        except ValueError as exc:
            raise forms.ValidationError(
                _("Not a period: write 2026-11, 2026Q4, 2026 or 2026-03-01..2026-05-31.")
            ) from exc


class ScreenTokenForm(forms.Form):
    name = forms.CharField(label=_("Screen name"), max_length=100, help_text=_("e.g. the wall of the command centre"))
    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none(), empty_label=None)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=LONGEST_DAYS, initial=90)

    def __init__(self, *args: Any, streets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets  # type: ignore[attr-defined]
