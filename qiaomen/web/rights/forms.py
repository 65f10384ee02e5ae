"""Forms of the rights-request pages; the rules (who, when, what is valid) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qiaomen.registry.models import Person, RightsKind
from qiaomen.registry.person_edit import EDITABLE_FIELDS
from qiaomen.tickets.rights.requests import MAX_OUTCOME, MAX_TEXT


class RightsReceiveForm(forms.Form):
    kind = forms.ChoiceField(label=_("The resident asks to"), choices=RightsKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("What the resident said (optional)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusing (the resident is told)"),
        max_length=MAX_OUTCOME,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("How the export was handed over (optional)"), required=False, max_length=MAX_OUTCOME
    )


class IdentifyForm(forms.Form):
    person = forms.ModelChoiceField(label=_("The request concerns"), queryset=Person.objects.none())

    def __init__(self, *args: Any, members: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members


class CorrectForm(forms.Form):
    """The person's correctable fields, prefilled; `version` is the file's version when opened."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=EDITABLE_FIELDS["name"])
    # Never prefilled: the full number is shown only through unmasking (SECURITY.md line 4).
    phone = forms.CharField(
        label=_("New phone number (empty: keep the current one)"),
        required=False,
        max_length=EDITABLE_FIELDS["phone"],
    )
    registered_address = forms.CharField(
        label=_("Registered residence"), required=False, max_length=EDITABLE_FIELDS["registered_address"]
    )
    remarks = forms.CharField(
        label=_("Remarks"), required=False, max_length=EDITABLE_FIELDS["remarks"], widget=forms.Textarea({"rows": 2})
    )
    care_notes = forms.CharField(
        label=_("Care notes"),
        required=False,
        max_length=EDITABLE_FIELDS["care_notes"],
        widget=forms.Textarea({"rows": 2}),
    )

    @classmethod
    def for_person(cls, person: Person) -> CorrectForm:
        initial = {field: getattr(person, field) for field in EDITABLE_FIELDS if field != "phone"}
        return cls(initial={"version": person.version, **initial})

    def values(self) -> dict[str, object]:
        values = {field: self.cleaned_data[field] for field in EDITABLE_FIELDS}
        if not values["phone"]:
            del values["phone"]
        return values


class EraseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I have checked the person's identity; erase their personal information for good.")
    )
