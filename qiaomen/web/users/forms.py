"""Forms of the user pages. They only parse input: whether the manager may give this role or
these places is checked again by accounts.services_users, which gives the message shown."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import Department
from qiaomen.accounts.roles import NO_ROLE, Role
from qiaomen.accounts.scopes import Place
from qiaomen.accounts.selectors_users import GrantablePlaces
from qiaomen.places.models import Building

ACTIVE_CHOICES = [("", _("Active and disabled")), ("active", _("Active")), ("disabled", _("Disabled"))]


def role_choices(roles: frozenset[str]) -> list[tuple[str, Any]]:
    """The roles in the table's order; an account without a role is offered as such."""
    choices: list[tuple[str, Any]] = [(value, label) for value, label in Role.choices if value in roles]
    if NO_ROLE in roles:
        choices.insert(0, (NO_ROLE, _("No role yet (the security admin gives one)")))
    return choices


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All roles")), *Role.choices]  # type: ignore[attr-defined]


class PlacesField(forms.MultipleChoiceField):
    """Places as "kind:pk" keys, grouped by kind; only the manager's own places are offered, so a
    forged key is an invalid choice."""

    def __init__(self, *, places: GrantablePlaces, **kwargs: Any) -> None:
        self.by_key: dict[str, Place] = {}
        groups: list[tuple[Any, list[tuple[str, str]]]] = []
        kinds: list[tuple[Any, str, Any]] = [
            (_("Streets"), "street", places.streets),
            (_("Communities"), "community", places.communities),
            (_("Grids"), "grid", places.grids),
            (_("Buildings"), "building", places.buildings),
        ]
        for label, kind, queryset in kinds:
            options = []
            for place in queryset:
                key = f"{kind}:{place.pk}"
                self.by_key[key] = place
                options.append((key, place_label(place)))
            if options:
                groups.append((label, options))
        super().__init__(choices=groups, required=False, widget=forms.SelectMultiple(attrs={"size": 8}), **kwargs)

    def places(self, keys: list[str]) -> tuple[Place, ...]:
        return tuple(self.by_key[key] for key in keys)


def place_label(place: Place) -> str:
    """A building by its grid and its name, not its street address: who keeps accounts needs to
    know where someone acts, not where people live."""
    if isinstance(place, Building):
        return f"{place.grid.name} · {place.name}"
    return str(place)


def place_key(place: Place) -> str:
    return f"{type(place).__name__.lower()}:{place.pk}"


class AccountForm(forms.Form):
    """Name, staff number and places of an existing account."""

    display_name = forms.CharField(label=_("Name"), required=False, max_length=100)
    staff_number = forms.CharField(
        label=_("Staff number"),
        required=False,
        max_length=32,
        help_text=_("One account per person: the same staff number cannot name two accounts."),
    )

    def __init__(self, *args: Any, places: GrantablePlaces, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["places"] = PlacesField(label=_("Places"), places=places)

    def chosen_places(self) -> tuple[Place, ...]:
        field = self.fields["places"]
        assert isinstance(field, PlacesField)
        return field.places(self.cleaned_data["places"])


class UserCreateForm(AccountForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    department = forms.ModelChoiceField(
        label=_("Department (department handlers only)"), required=False, queryset=Department.objects.all()
    )
    field_order = ["username", "display_name", "staff_number", "role", "department", "places"]

    def __init__(self, *args: Any, roles: frozenset[str], places: GrantablePlaces, **kwargs: Any) -> None:
        super().__init__(*args, places=places, **kwargs)
        self.fields["role"].choices = role_choices(roles)  # type: ignore[attr-defined]
        # Only the system admin creates accounts without a role; anyone else must choose one.
        self.fields["role"].required = NO_ROLE not in roles
        if Role.DEPARTMENT_HANDLER not in roles:
            del self.fields["department"]
        self.order_fields(self.field_order)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("New role"))

    def __init__(self, *args: Any, roles: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(roles - {NO_ROLE})  # type: ignore[attr-defined]


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not a common password, not only digits."),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data
