"""What the trends page may be asked: a period in the one notation of the command centre, the
minimum support of a pair, and optionally a group of households."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaomen.analytics.periods import ReportPeriod, period_of, period_parse
from qiaomen.registry.models import Tag


def last_complete_month(today: dt.date) -> ReportPeriod:
    return period_of("month", today.replace(day=1) - dt.timedelta(days=1))


class TrendsForm(forms.Form):
    period = forms.CharField(
        label=pgettext_lazy("analysis", "Period"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "2026-11 · 2026Q4 · 2026 · 2026-03-01..2026-05-31"}),
    )
    min_support = forms.DecimalField(
        label=_("Minimum support (per cent of households)"), min_value=0, max_value=100, decimal_places=2
    )
    tag = forms.ChoiceField(label=_("Group of households"), required=False)

    def __init__(self, *args: Any, sensitive: bool, **kwargs: Any) -> None:
        """`sensitive`: whether the user may see health and disability tags (VIEW_SENSITIVE)."""
        super().__init__(*args, **kwargs)
        tags = Tag.objects.filter(active=True, is_special_group=True)
        if not sensitive:
            tags = tags.filter(is_sensitive=False)
        self.fields["tag"].choices = [("", _("All households")), *tags.values_list("code", "name")]  # type: ignore[attr-defined]

    def clean_period(self) -> ReportPeriod:
        try:
            return period_parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(
                _(
                    "Not a period: write a month (2026-11), a quarter (2026Q4), a year (2026) "
                    "or days (2026-03-01..2026-05-31)."
                ),
                code="period_invalid",
            ) from exc
