"""Forms of the emergencies pages; the rules (places, states, who may) are the devices domain's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.roles import Role
from qiaomen.devices.models import CheckOutcome, IncidentKind, PlanKind
from qiaomen.places.models import Community, Grid
from qiaomen.registry.models import Tag
from qiaomen.web.shared.widgets import ManyOptionsField

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=IncidentKind.choices)
    occurred_at = forms.DateTimeField(label=_("when"), widget=LOCAL_DATETIME)
    grid = ManyOptionsField(label=_("grid"), queryset=Grid.objects.none(), required=False)
    description = forms.CharField(label=_("description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, grids: QuerySet[Grid], on_visit: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if on_visit:
            del self.fields["grid"]  # the visit gives the place
        else:
            self.fields["grid"].queryset = grids  # type: ignore[attr-defined]
            self.fields["grid"].required = True


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("how it was dealt with"), max_length=200)


class PauseForm(forms.Form):
    until = forms.DateField(label=_("pause visits until"), widget=forms.DateInput(attrs={"type": "date"}))


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=PlanKind.choices)
    title = forms.CharField(label=_("title"), max_length=120)
    steps = forms.CharField(label=_("steps, one a line"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
    responsible_roles = forms.MultipleChoiceField(
        label=_("responsible roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    first_tags = forms.ModelMultipleChoiceField(
        label=_("check first"),
        queryset=Tag.objects.filter(is_special_group=True, active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contacts = forms.CharField(
        label=_("contacts, one a line: name, role, phone"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )


class ActivateForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("community"), queryset=Community.objects.none(), required=False, empty_label=_("the whole street")
    )
    grid = ManyOptionsField(label=_("grid"), queryset=Grid.objects.none(), required=False)

    def __init__(self, *args: Any, communities: QuerySet[Community], grids: QuerySet[Grid], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        self.fields["grid"].queryset = grids  # type: ignore[attr-defined]


class CheckForm(forms.Form):
    outcome = forms.ChoiceField(choices=CheckOutcome.choices)
