"""Forms of the ticket pages: entry, the transition forms, spot checks, taxonomy and workdays.

They only parse input; whether a transition is allowed and what it needs (a reason, a note) is
checked again by qiaomen.tickets.services, which gives the Chinese message shown on failure.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import Department
from qiaomen.tickets.models import Priority, SpotCheckResult, Subcategory, WorkdayOverride
from qiaomen.tickets.services import MAX_DESCRIPTION
from qiaomen.web.shared.forms import MultipleImageField, MultipleImageInput, subcategory_choices

REASON_MAX = 500


def reason_field(label: Any) -> forms.CharField:
    return forms.CharField(label=label, min_length=2, max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))


def photos_field(label: Any) -> MultipleImageField:
    """Optional photos, checked by content in qiaomen.tickets.services. Unlike the visit form's
    field there is no `capture`: staff at a desk pick saved files, which `capture` would hide."""
    return MultipleImageField(
        label=label, required=False, widget=MultipleImageInput(attrs={"accept": "image/*", "multiple": True})
    )


class TicketEntryForm(forms.Form):
    """A phone or walk-in demand. The classifier suggests a sub-category; the person confirms it
    or chooses another before the ticket is created."""

    household = forms.IntegerField(label=_("Household number (optional)"), required=False, min_value=1)
    description = forms.CharField(
        label=_("Demand"), max_length=MAX_DESCRIPTION, widget=forms.Textarea(attrs={"rows": 4})
    )
    subcategory = forms.ChoiceField(label=_("Category"), required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("The category's default")), *Priority.choices]
    )
    photos = photos_field(_("Photos"))

    def __init__(self, *args: Any, subcategories: list[Subcategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subcategories = {subcategory.code: subcategory for subcategory in subcategories}
        self.fields["subcategory"].choices = subcategory_choices(subcategories)  # type: ignore[attr-defined]

    def chosen_subcategory(self) -> Subcategory | None:
        return self.subcategories.get(self.cleaned_data.get("subcategory") or "")


class TransferForm(forms.Form):
    department = forms.ModelChoiceField(label=_("To department"), queryset=Department.objects.order_by("code"))
    reason = reason_field(_("Reason for the transfer"))


class ReturnForm(forms.Form):
    reason = reason_field(_("What information is missing"))


class ResubmitForm(forms.Form):
    reason = reason_field(_("Additional information"))


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("Result"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = photos_field(_("Photos (optional)"))


class SpotCheckForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (SpotCheckResult.CONFIRMED, SpotCheckResult.CONFIRMED.label),
            (SpotCheckResult.FAILED, SpotCheckResult.FAILED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class SubcategoryForm(forms.ModelForm):
    """Everything but the code, which tickets, reports and the API keep referring to."""

    class Meta:
        model = Subcategory
        fields = ["name", "department", "default_priority", "keywords", "retired"]
        widgets = {"keywords": forms.Textarea(attrs={"rows": 2})}


class WorkdayOverrideForm(forms.ModelForm):
    class Meta:
        model = WorkdayOverride
        fields = ["date", "is_working_day", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
