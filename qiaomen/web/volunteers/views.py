"""Volunteers' staff pages: the list, a volunteer's card (card.py) and its actions on hours, points,
teams and training (its status, account and households: views_manage.py), enrolment from a
person file, teams.

Records are fetched only through the scoped helpers of participation.volunteers.scope (404
outside the user's places); the capability is checked before any lookup; every change is one
service call.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.places import grids_for_user
from qiaomen.accounts.roles import Capability
from qiaomen.participation.volunteers import selectors
from qiaomen.participation.volunteers.enrolment import (
    care_assign,
    team_add,
    team_create,
    training_record,
    volunteer_enrol,
)
from qiaomen.participation.volunteers.hours import service_record
from qiaomen.participation.volunteers.ledger import points_correct, points_redeem
from qiaomen.participation.volunteers.scope import (
    leads_team_of,
    teams_for_user,
    volunteer_for_user,
    volunteers_for_user,
)
from qiaomen.registry.selectors import person_for_user
from qiaomen.web.shared.views import paginate, staff_page, user_with
from qiaomen.web.volunteers.card import card_action, render_card
from qiaomen.web.volunteers.forms import EnrolForm, TeamForm


@staff_page
def volunteer_list(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_VOLUNTEERS)
    volunteers = volunteers_for_user(user).select_related("person", "grid", "team").order_by("grid__code", "pk")
    page = paginate(request, volunteers, 50)
    shown = volunteers.filter(pk__in=[v.pk for v in page.object_list])
    hours, points = selectors.confirmed_hours(shown), selectors.balances(shown)
    rows = [(v, hours.get(v.pk, 0), points.get(v.pk, 0)) for v in page.object_list]
    return render(request, "web/volunteers/list.html", {"page": page, "rows": rows})


@staff_page
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_card(request, volunteer_for_user(user_with(request, Capability.VIEW_VOLUNTEERS), pk))


@staff_page
@require_POST
def volunteer_join_team(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_VOLUNTEERS)
    return card_action(request, pk, "team_form", lambda v, data: team_add(team=data["team"], volunteer=v, actor=user))


@staff_page
@require_POST
def volunteer_care(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_VOLUNTEERS)
    return card_action(
        request, pk, "care_form", lambda v, data: care_assign(volunteer=v, household=data["household"], actor=user)
    )


@staff_page
@require_POST
def volunteer_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """Hours recorded by community staff or the team's grid worker, waiting for confirmation."""
    user = user_with(request, Capability.VIEW_VOLUNTEERS)
    volunteer = volunteer_for_user(user, pk)
    if not (user.can(Capability.MANAGE_VOLUNTEERS) or leads_team_of(user, volunteer)):
        raise PermissionDenied
    return card_action(
        request,
        pk,
        "hours_form",
        lambda v, data: service_record(volunteer=v, actor=user, request=request, **data),
    )


@staff_page
@require_POST
def volunteer_redeem(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_VOLUNTEERS)
    return card_action(
        request,
        pk,
        "redeem_form",
        lambda v, data: points_redeem(volunteer=v, item=data["item"], actor=user, request=request),
    )


@staff_page
@require_POST
def volunteer_correct(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_VOLUNTEERS)
    return card_action(
        request,
        pk,
        "correction_form",
        lambda v, data: points_correct(volunteer=v, points=data["points"], note=data["note"], actor=user),
    )


@staff_page
@require_POST
def volunteer_training(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_VOLUNTEERS)
    return card_action(request, pk, "training_form", lambda v, data: training_record(volunteer=v, actor=user, **data))


@staff_page
@require_http_methods(["GET", "POST"])
def volunteer_enrol_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a person of the registry a volunteer, from their person file."""
    user = user_with(request, Capability.MANAGE_VOLUNTEERS)
    person = person_for_user(user, pk)
    grids = grids_for_user(user).order_by("code")
    form = EnrolForm(request.POST or None, grids=grids, accounts=selectors.accounts_free_to_link(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        volunteer = volunteer_enrol(
            person=person,
            grid=data["grid"],
            actor=user,
            skills=data["skills"],
            availability=data["availability"],
            user=data["account"],
            request=request,
        )
        return redirect("web:volunteer_detail", pk=volunteer.pk)
    status = 422 if form.errors else 200
    return render(request, "web/volunteers/enrol.html", {"person": person, "form": form}, status=status)


@staff_page
@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_VOLUNTEERS)
    grids = grids_for_user(user).order_by("code")
    form = TeamForm(request.POST or None, grids=grids, leaders=selectors.team_leaders(grids))
    if request.method == "POST":
        user_with(request, Capability.MANAGE_VOLUNTEERS)
        if form.is_valid():
            team_create(actor=user, **form.cleaned_data)
            return redirect("web:volunteer_teams")
    teams = teams_for_user(user).select_related("grid", "leader").prefetch_related("members__person")
    status = 422 if form.errors else 200
    context = {"teams": teams, "form": form, "may_manage": user.can(Capability.MANAGE_VOLUNTEERS)}
    return render(request, "web/volunteers/teams.html", context, status=status)
