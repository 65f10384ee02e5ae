"""The menu's staff forms: choices limited to the user's places; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import Department
from qiaomen.accounts.scopes import PlaceScope
from qiaomen.participation.menu.scope import menu_places, partners_in
from qiaomen.participation.models.menu import MenuGroup, Partner, PartnerKind, PointKind
from qiaomen.places.models import Building, Community, Street
from qiaomen.tickets.models import Subcategory


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=PartnerKind.choices)
    street = forms.ModelChoiceField(label=_("street"), queryset=Street.objects.none())
    community = forms.ModelChoiceField(
        label=_("community"),
        queryset=Community.objects.none(),
        required=False,
        empty_label=_("the whole street"),
    )
    department = forms.ModelChoiceField(label=_("handling department"), queryset=Department.objects.all())
    contact_name = forms.CharField(label=_("contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=20, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: object, scope: PlaceScope, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        places = menu_places(scope)
        self.fields["street"].queryset = Street.objects.filter(pk__in=sorted(places.street_ids))  # type: ignore[attr-defined]
        self.fields["community"].queryset = Community.objects.filter(pk__in=sorted(places.community_ids))  # type: ignore[attr-defined]


class EntryForm(forms.Form):
    title = forms.CharField(label=_("service"), max_length=100)
    group = forms.ChoiceField(label=_("group"), choices=MenuGroup.choices)
    partner = forms.ModelChoiceField(label=_("partner"), queryset=Partner.objects.none())
    schedule = forms.CharField(label=_("when"), max_length=200, help_text=_("e.g. 每周二、四 9:00–11:30"))
    how_to_ask = forms.CharField(label=_("how to ask"), max_length=200)
    subcategory = forms.ModelChoiceField(label=_("ticket category"), queryset=Subcategory.objects.filter(retired=False))
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, scope: PlaceScope, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["partner"].queryset = partners_in(scope).filter(active=True).order_by("name")  # type: ignore[attr-defined]


class PointForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=PointKind.choices)
    community = forms.ModelChoiceField(label=_("community"), queryset=Community.objects.none())
    building = forms.ModelChoiceField(label=_("building"), queryset=Building.objects.none(), required=False)
    lat = forms.FloatField(label=_("latitude"), min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("longitude"), min_value=-180, max_value=180)
    weekdays = forms.CharField(label=_("weekdays"), max_length=13, help_text=_("1 = Monday … 7 = Sunday, e.g. 135"))
    opens_at = forms.TimeField(label=_("opens at"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("closes at"), widget=forms.TimeInput(attrs={"type": "time"}))
    opened_on = forms.DateField(label=_("opened on"), widget=forms.DateInput(attrs={"type": "date"}))
    closed_on = forms.DateField(label=_("closed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, scope: PlaceScope, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        places = menu_places(scope)
        self.fields["community"].queryset = Community.objects.filter(pk__in=sorted(places.community_ids))  # type: ignore[attr-defined]
        self.fields["building"].queryset = Building.objects.filter(scope.building_q()).order_by("address_key")  # type: ignore[attr-defined]
