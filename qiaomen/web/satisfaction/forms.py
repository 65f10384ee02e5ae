from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaomen.analytics.periods import ReportPeriod, add_months, period_days, period_parse


def last_twelve_months(today: dt.date) -> ReportPeriod:
    """The default: the twelve calendar months up to today, enough ratings to measure effects."""
    return period_days(add_months(today, -11), today)


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=pgettext_lazy("satisfaction", "Period"),
        max_length=40,
        help_text=_("a month (2026-11), a quarter (2026Q4), a year (2026) or days (2026-03-01..2026-05-31)"),
    )

    def clean_period(self) -> ReportPeriod:
        try:
            return period_parse(self.cleaned_data["period"])
        except ValueError:
            raise ValidationError(
                _(
                    "Not a period. Write a month (2026-11), a quarter (2026Q4), a year (2026) or a run of "
                    "days up to three years (2026-03-01..2026-05-31)."
                ),
                code="period_invalid",
            ) from None
