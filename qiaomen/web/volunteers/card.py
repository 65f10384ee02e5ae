"""A volunteer's card (team, households, hours, ledger, stars) and its forms: what each form may
offer, the card rendered with one form bound after a refused post, and the shared shape of its
actions (views.py, views_manage.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.participation.models.volunteers import Volunteer, VolunteerStatus
from qiaomen.participation.volunteers import selectors
from qiaomen.participation.volunteers.ledger import points_balance
from qiaomen.participation.volunteers.scope import catalogue_for_user, leads_team_of, teams_for_user, volunteer_for_user
from qiaomen.participation.volunteers.stars import STAR_RULE
from qiaomen.registry.selectors import households_for_user
from qiaomen.web.shared.views import user_with
from qiaomen.web.volunteers.forms import (
    AccountForm,
    CareForm,
    CareReleaseForm,
    CorrectionForm,
    HoursForm,
    JoinTeamForm,
    RedeemForm,
    StatusForm,
    TrainingForm,
)

FORMS: dict[str, Callable[..., forms.Form]] = {
    "team_form": JoinTeamForm,
    "care_form": CareForm,
    "release_form": CareReleaseForm,
    "hours_form": HoursForm,
    "redeem_form": RedeemForm,
    "correction_form": CorrectionForm,
    "training_form": TrainingForm,
    "status_form": StatusForm,
    "account_form": AccountForm,
}

# The button that moves a volunteer to each status.
STATUS_ACTIONS = {
    VolunteerStatus.PAUSED: _("Pause the service"),
    VolunteerStatus.ACTIVE: _("Resume the service"),
    VolunteerStatus.LEFT: _("End the service"),
}


def _choices(user: User, volunteer: Volunteer, name: str) -> dict[str, Any]:
    """What each form of the card may offer: only records the user sees, of the volunteer's grid."""
    if name == "team_form":
        return {"teams": teams_for_user(user).filter(grid_id=volunteer.grid_id)}
    if name == "care_form":
        households = households_for_user(user).filter(building__grid_id=volunteer.grid_id, volunteer_care__isnull=True)
        return {"households": households.select_related("building").order_by("address_key")}
    if name == "release_form":
        return {"households": households_for_user(user).filter(volunteer_care__volunteer=volunteer)}
    if name == "hours_form":
        return {"visits": selectors.visits_to_accompany(volunteer), "tickets": selectors.errands_to_claim(volunteer)}
    if name == "redeem_form":
        return {"items": catalogue_for_user(user).filter(active=True, stock__gte=1)}
    if name == "status_form":
        allowed = Volunteer.TRANSITIONS[VolunteerStatus(volunteer.status)]
        return {"statuses": [(status, label) for status, label in STATUS_ACTIONS.items() if status in allowed]}
    if name == "account_form":
        return {"accounts": selectors.accounts_free_to_link(user)}
    return {}


def render_card(request: HttpRequest, volunteer: Volunteer, *, status: int = 200, **bound: forms.Form) -> HttpResponse:
    user = user_with(request, Capability.VIEW_VOLUNTEERS)
    context: dict[str, Any] = {
        "volunteer": volunteer,
        "balance": points_balance(volunteer),
        "ledger": selectors.ledger_of(volunteer)[:50],
        "services": selectors.services_of(volunteer).select_related("ticket", "visit")[:50],
        "care": selectors.care_of(volunteer),
        "stars": volunteer.stars.order_by("-year")[:5],
        "training": volunteer.training.all()[:20],
        "rule": STAR_RULE,
        "may_manage": user.can(Capability.MANAGE_VOLUNTEERS),
        "may_record": user.can(Capability.MANAGE_VOLUNTEERS) or leads_team_of(user, volunteer),
    }
    context.update({name: make(**_choices(user, volunteer, name)) for name, make in FORMS.items()})
    context.update(bound)
    return render(request, "web/volunteers/card.html", context, status=status)


def card_action(
    request: HttpRequest, pk: int, name: str, act: Callable[[Volunteer, dict[str, Any]], object]
) -> HttpResponse:
    """Bind `name`'s form on the card; valid, call the service and return to the card."""
    user = user_with(request, Capability.VIEW_VOLUNTEERS)
    volunteer = volunteer_for_user(user, pk)
    form = FORMS[name](request.POST, **_choices(user, volunteer, name))
    if not form.is_valid():
        return render_card(request, volunteer, status=422, **{name: form})
    act(volunteer, form.cleaned_data)
    return redirect("web:volunteer_detail", pk=pk)
