"""Forms of the participation pages; the rules (places, capacity, times) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qiaomen.participation.models.activities import ActivityKind, GroupKind, ResidentGroup
from qiaomen.places.models import Building, Community, Grid
from qiaomen.tickets.models import Subcategory
from qiaomen.web.shared.widgets import ManyOptionsField

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PlacesForm(forms.Form):
    """A form whose place choices are the user's own (given by the view from scoped selectors)."""

    def __init__(
        self,
        *args: Any,
        communities: QuerySet[Community],
        groups: QuerySet[ResidentGroup],
        grids: QuerySet[Grid] | None = None,
        buildings: QuerySet[Building] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if "community" in self.fields:
            self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        if "grid" in self.fields and grids is not None:
            self.fields["grid"].queryset = grids  # type: ignore[attr-defined]
        if "building" in self.fields and buildings is not None:
            self.fields["building"].queryset = buildings  # type: ignore[attr-defined]


class ActivityForm(PlacesForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    building = forms.ModelChoiceField(
        label=_("Building (empty: the whole community)"), queryset=Building.objects.none(), required=False
    )
    group = forms.ModelChoiceField(
        label=_("Organised by group (optional)"), queryset=ResidentGroup.objects.none(), required=False
    )
    location = forms.CharField(label=_("Where"), max_length=120, required=False)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LOCAL_DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=LOCAL_DATETIME)
    capacity = forms.IntegerField(label=_("Capacity (households)"), min_value=1, max_value=5000)


class ActivityEditForm(ActivityForm):
    """An activity's fields but its community, which an edit keeps."""

    community = None  # type: ignore[assignment]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=200)


class MeetingForm(PlacesForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())
    grid = forms.ModelChoiceField(
        label=_("Grid (empty: the whole community)"), queryset=Grid.objects.none(), required=False
    )
    group = forms.ModelChoiceField(
        label=_("Held by group (optional)"), queryset=ResidentGroup.objects.none(), required=False
    )
    held_at = forms.DateTimeField(label=_("Held at"), widget=LOCAL_DATETIME)
    location = forms.CharField(label=_("Where"), max_length=120, required=False)
    agenda = forms.CharField(label=_("Agenda"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())

    def __init__(self, *args: Any, communities: QuerySet[Community], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]


class HouseholdForm(forms.Form):
    """A household by its number, as shown on its registry card (looked up in the user's places)."""

    household = forms.IntegerField(label=_("Household no."), min_value=1)


class MemberForm(forms.Form):
    person = forms.IntegerField(label=_("Person no. (from the person file)"), min_value=1)
    is_leader = forms.BooleanField(label=_("Leader"), required=False)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), max_length=3000, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionTicketForm(forms.Form):
    grid = ManyOptionsField(label=_("Grid where the work is done"), queryset=Grid.objects.none(), required=False)
    subcategory = forms.ModelChoiceField(
        label=_("Category (empty: suggested from the text)"), queryset=Subcategory.objects.none(), required=False
    )

    def __init__(self, *args: Any, grids: QuerySet[Grid], subcategories: QuerySet[Subcategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids  # type: ignore[attr-defined]
        self.fields["subcategory"].queryset = subcategories  # type: ignore[attr-defined]
