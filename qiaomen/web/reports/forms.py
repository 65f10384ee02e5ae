from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaomen.analytics.models_reports import ReportFormat, ReportKind
from qiaomen.analytics.reports.request import ReportRequest, report_request
from qiaomen.core.errors import InvalidInput


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("reports", "Report"), choices=ReportKind.choices)
    period = forms.CharField(
        label=pgettext_lazy("reports", "Period"),
        max_length=32,
        help_text=_(
            "A month (2026-11) for the bulletin, a quarter (2026Q4) for the assessment, a year (2026) for the awards."
        ),
    )
    format = forms.ChoiceField(label=pgettext_lazy("reports", "Format"), choices=ReportFormat.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                data["request"] = report_request(kind=data["kind"], period=data["period"], format=data["format"])
            except InvalidInput as exc:
                self.add_error("period", str(exc.message))
        return data

    @property
    def request(self) -> ReportRequest:
        request: ReportRequest = self.cleaned_data["request"]
        return request
