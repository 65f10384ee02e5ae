"""The devices' staff forms: households, wearers and staff limited to the user's places; the
rules (grid worker of the household's grid, backup contacts who see it) are the service's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import User
from qiaomen.accounts.places import staff_serving_grids
from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import place_scope
from qiaomen.devices.models.devices import DeviceKind, Vendor
from qiaomen.registry.models import Household, Person
from qiaomen.registry.selectors import households_for_user


class DeviceForm(forms.Form):
    vendor = forms.ModelChoiceField(label=_("vendor"), queryset=Vendor.objects.filter(active=True))
    serial = forms.CharField(label=_("vendor serial"), max_length=64)
    kind = forms.ChoiceField(label=_("kind"), choices=DeviceKind.choices)
    household = forms.ModelChoiceField(label=_("household"), queryset=Household.objects.none())
    person = forms.ModelChoiceField(
        label=_("wearer"), queryset=Person.objects.none(), required=False, empty_label=_("the whole household")
    )
    grid_worker = forms.ModelChoiceField(label=_("grid worker"), queryset=User.objects.none(), required=False)
    backup_contacts = forms.ModelMultipleChoiceField(
        label=_("backup contacts"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        households = households_for_user(user).select_related("building")
        grids = place_scope(user).all_grid_ids
        self.fields["household"].queryset = households  # type: ignore[attr-defined]
        self.fields["person"].queryset = Person.objects.filter(household__in=households)  # type: ignore[attr-defined]
        self.fields["grid_worker"].queryset = staff_serving_grids(grids, (Role.GRID_WORKER,))  # type: ignore[attr-defined]
        self.fields["backup_contacts"].queryset = staff_serving_grids(  # type: ignore[attr-defined]
            grids, (Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_ADMIN)
        )


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)


class AckForm(forms.Form):
    """The version of the acknowledgement record the page showed: a change since is a Conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
