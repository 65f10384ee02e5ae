"""Forms of the budget pages; the rules (amounts, shares, dates, receipts) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaomen.participation.budget.spending import MAX_DESCRIPTION, MAX_REASON
from qiaomen.participation.models.budget import BudgetCategory


class MultipleReceiptInput(forms.FileInput):
    allow_multiple_selected = True


class ReceiptsField(forms.FileField):
    """Several receipts in one input: photos or PDFs, checked by content in the service."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"accept": "image/jpeg,image/png,image/webp,application/pdf", "multiple": True}
        kwargs.setdefault("widget", MultipleReceiptInput(attrs=attrs))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(ReceiptsField, self).clean(item, initial) for item in files if item]


class SettingForm(forms.Form):
    per_household = forms.DecimalField(
        label=pgettext_lazy("budget", "Yuan per household and year"), max_digits=8, decimal_places=2
    )
    staff_percent = forms.IntegerField(label=pgettext_lazy("budget", "Staff (%)"), min_value=0, max_value=100)
    activities_percent = forms.IntegerField(label=pgettext_lazy("budget", "Activities (%)"), min_value=0, max_value=100)
    equipment_percent = forms.IntegerField(label=pgettext_lazy("budget", "Equipment (%)"), min_value=0, max_value=100)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def percents(self) -> dict[str, int]:
        return {category: self.cleaned_data[f"{category}_percent"] for category in BudgetCategory.values}


class SpendingForm(forms.Form):
    category = forms.ChoiceField(label=pgettext_lazy("budget", "Category"), choices=BudgetCategory.choices)
    amount = forms.DecimalField(
        label=pgettext_lazy("budget", "Amount (yuan)"), max_digits=10, decimal_places=2, min_value=0
    )
    spent_on = forms.DateField(label=pgettext_lazy("budget", "Date"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label=pgettext_lazy("budget", "What was bought or paid (staff only, never published)"),
        max_length=MAX_DESCRIPTION,
    )
    receipts = ReceiptsField(label=pgettext_lazy("budget", "Receipts (photo or PDF, at most 5)"), required=False)
    submit_now = forms.BooleanField(label=pgettext_lazy("budget", "Submit for approval now"), required=False)


class ReceiptForm(forms.Form):
    receipts = ReceiptsField(label=pgettext_lazy("budget", "Receipts (photo or PDF)"))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2}))
