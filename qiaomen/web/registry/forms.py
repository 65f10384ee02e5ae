"""Forms of the registry pages: they parse and validate input; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import User
from qiaomen.accounts.places import buildings_for_user, grids_for_user
from qiaomen.places.models import Building, Grid
from qiaomen.registry.models import Tag
from qiaomen.registry.selectors import tag_filter_choices
from qiaomen.registry.services import UNMASKABLE_FIELDS
from qiaomen.web.shared.widgets import ManyOptionsField, ManyOptionsSelect

# app.js sends the form when such a select changes; the submit button serves without JS. The
# grid filter lists every grid of a street admin's street: written out in Python.
_AUTOSUBMIT = ManyOptionsSelect(attrs={"data-autosubmit": True})


class RegistrySearchForm(forms.Form):
    """GET filters of the registry search. Choices are limited to the user's places, so a grid
    or building outside them is an invalid choice, not an empty result."""

    q = forms.CharField(
        label=_("Address or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. 和平路12号 or 3栋2单元501, or a name from the surname on")}
        ),
    )
    # Querysets are set per user in __init__: choices never reach beyond the user's places.
    grid = ManyOptionsField(
        label=_("Grid"), queryset=Grid.objects.none(), required=False, empty_label=_("All grids"), widget=_AUTOSUBMIT
    )
    building = ManyOptionsField(
        label_column="address",
        label=_("Building"),
        queryset=Building.objects.none(),
        required=False,
        empty_label=_("All buildings"),
        widget=_AUTOSUBMIT,
    )
    tag = ManyOptionsField(
        label=_("Group"),
        queryset=Tag.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All groups"),
        widget=_AUTOSUBMIT,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids_for_user(user).order_by("code")  # type: ignore[attr-defined]
        # Buildings are offered within the chosen grid only: a whole street has thousands.
        grid_id = str(self.data.get("grid", ""))
        self.offers_buildings = grid_id.isdigit()
        buildings = buildings_for_user(user).order_by("address_key")
        self.fields["building"].queryset = (  # type: ignore[attr-defined]
            buildings.filter(grid_id=int(grid_id)) if self.offers_buildings else buildings.none()
        )
        self.fields["tag"].queryset = tag_filter_choices(user)  # type: ignore[attr-defined]


class ExactSearchForm(forms.Form):
    """An ID number or phone number: sent by POST only, so it never lands in a URL (SECURITY 6)."""

    number = forms.CharField(
        label=_("ID number or phone number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )


class UnmaskForm(forms.Form):
    """The reason is checked by the service (`person_unmask`), which also logs the attempt;
    the fragment _unmask.html writes the inputs itself so that each field gets its own ids."""

    field = forms.ChoiceField(choices=[(name, name) for name in UNMASKABLE_FIELDS])
    reason = forms.CharField(required=False, max_length=200)
