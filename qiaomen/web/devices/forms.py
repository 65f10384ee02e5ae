"""The devices' staff forms: households, wearers and staff limited to the user's places; the
rules (grid worker of the household's grid, backup contacts who see it) are the service's."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import PlaceScope
from qiaomen.devices.models.devices import DeviceKind, Vendor
from qiaomen.registry.models import Household, Person


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

    def __init__(self, *args: object, scope: PlaceScope, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        households = Household.objects.filter(scope.building_q("building__")).select_related("building")
        grids = sorted(scope.all_grid_ids)
        staff = User.objects.filter(is_active=True).filter(
            Q(places__grid_id__in=grids)
            | Q(places__community__grids__in=grids)
            | Q(places__street__communities__grids__in=grids)
        )
        self.fields["household"].queryset = households  # type: ignore[attr-defined]
        self.fields["person"].queryset = Person.objects.filter(household__in=households)  # type: ignore[attr-defined]
        self.fields["grid_worker"].queryset = staff.filter(role=Role.GRID_WORKER).distinct()  # type: ignore[attr-defined]
        self.fields["backup_contacts"].queryset = staff.filter(  # type: ignore[attr-defined]
            role__in=[Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_ADMIN]
        ).distinct()


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)


class AckForm(forms.Form):
    """The version of the acknowledgement record the page showed: a change since is a Conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
