"""Forms of the volunteers' pages; the rules (who, which grid, how many) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import User
from qiaomen.participation.models.volunteer_points import CatalogueItem, ServiceKind
from qiaomen.participation.models.volunteers import Team
from qiaomen.places.models import Grid
from qiaomen.registry.models import Household, Person
from qiaomen.tickets.models import Ticket
from qiaomen.visits.models import Visit
from qiaomen.web.shared.widgets import ManyOptionsField


def _choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class EnrolForm(forms.Form):
    grid = ManyOptionsField(label=_("Grid served"), queryset=Grid.objects.none())
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    availability = forms.CharField(label=_("Availability"), max_length=200, required=False)
    account = forms.ModelChoiceField(
        label=_("Sign-in account (optional)"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, grids: QuerySet[Grid], accounts: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "grid", grids)
        _choices(self, "account", accounts)


class TeamForm(forms.Form):
    grid = ManyOptionsField(label=_("Grid"), queryset=Grid.objects.none())
    leader = forms.ModelChoiceField(label=_("Grid worker who leads"), queryset=User.objects.none())
    name = forms.CharField(label=_("Team name"), max_length=60)

    def __init__(self, *args: Any, grids: QuerySet[Grid], leaders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "grid", grids)
        _choices(self, "leader", leaders)


class JoinTeamForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "team", teams)


class CareForm(forms.Form):
    household = forms.ModelChoiceField(label=_("Household to look after"), queryset=Household.objects.none())

    def __init__(self, *args: Any, households: QuerySet[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "household", households)


class HoursForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of service"), choices=ServiceKind.choices)
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1)
    served_on = forms.DateField(label=_("Served on"), widget=forms.DateInput(attrs={"type": "date"}))
    visit = forms.ModelChoiceField(label=_("Visit accompanied"), queryset=Visit.objects.none(), required=False)
    ticket = forms.ModelChoiceField(label=_("Errand ticket (LIF-ERR)"), queryset=Ticket.objects.none(), required=False)
    description = forms.CharField(label=_("Activity or note"), max_length=200, required=False)

    def __init__(self, *args: Any, visits: QuerySet[Visit], tickets: QuerySet[Ticket], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"served_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        _choices(self, "visit", visits)
        _choices(self, "ticket", tickets)
        visit, ticket = self.fields["visit"], self.fields["ticket"]
        assert isinstance(visit, forms.ModelChoiceField) and isinstance(ticket, forms.ModelChoiceField)
        visit.label_from_instance = _visit_label  # type: ignore[method-assign,assignment]
        ticket.label_from_instance = _ticket_label  # type: ignore[method-assign,assignment]


def _visit_label(visit: Visit) -> str:
    return f"{timezone.localtime(visit.visited_at):%Y-%m-%d} · {visit.household.building.address}"


def _ticket_label(ticket: Ticket) -> str:
    return f"#{ticket.pk} · {timezone.localtime(ticket.created_at):%Y-%m-%d}"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class StatusForm(ReasonForm):
    """Pause, resume or end the service: one button per status the volunteer may move to."""

    status = forms.ChoiceField(label=_("New status"), choices=[])

    def __init__(self, *args: Any, statuses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = statuses


class AccountForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Sign-in account"), queryset=User.objects.none())

    def __init__(self, *args: Any, accounts: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "account", accounts)


class CareReleaseForm(forms.Form):
    household = forms.ModelChoiceField(label=_("Household"), queryset=Household.objects.none())

    def __init__(self, *args: Any, households: QuerySet[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "household", households)


class RedeemForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=CatalogueItem.objects.none())

    def __init__(self, *args: Any, items: QuerySet[CatalogueItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "item", items)


class CorrectionForm(forms.Form):
    points = forms.IntegerField(label=_("Points (negative to take away)"), min_value=-100_000, max_value=100_000)
    note = forms.CharField(label=_("Reason"), max_length=200)


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Course"), max_length=100)
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1)
    completed_on = forms.DateField(label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"}))


class RateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of service"), choices=ServiceKind.choices)
    points_per_hour = forms.IntegerField(label=_("Points per hour"), min_value=1, max_value=1000)


class CatalogueForm(forms.Form):
    name = forms.CharField(label=_("Item name"), max_length=80)
    description = forms.CharField(label=_("Item description"), max_length=200, required=False)
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=100_000)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=100_000)


class CatalogueItemForm(CatalogueForm):
    """Change an item: its price, the stock on hand (restocked), or withdraw it. `stock_was` is
    the stock shown when the form was opened, so that a redemption meanwhile is not written over."""

    active = forms.BooleanField(label=_("Offered to volunteers"), required=False)
    stock_was = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AcceptForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Who volunteers"), queryset=Person.objects.none())

    def __init__(self, *args: Any, members: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "person", members)


class StarsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year - 1})
        super().__init__(*args, **kwargs)
