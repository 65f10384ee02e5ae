"""A volunteer's card, continued: pause, resume or end their service, link the account they sign
in with, release a household they look after, take them out of their team.

Each is a POST with its own URL: MANAGE_VOLUNTEERS is checked before the volunteer is looked up
through volunteer_for_user (404 outside the user's places); a refused form shows the card again
(422) and a refusal of the service its message (staff_page), changing nothing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from qiaomen.accounts.roles import Capability
from qiaomen.participation.volunteers.enrolment import (
    care_release,
    team_remove,
    volunteer_link_account,
    volunteer_set_status,
)
from qiaomen.participation.volunteers.scope import volunteer_for_user
from qiaomen.web.shared.views import staff_page, user_with
from qiaomen.web.volunteers.card import card_action


@staff_page
@require_POST
def volunteer_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_VOLUNTEERS)
    return card_action(
        request,
        pk,
        "status_form",
        lambda v, data: volunteer_set_status(volunteer=v, status=data["status"], reason=data["reason"], actor=user),
    )


@staff_page
@require_POST
def volunteer_account(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a sign-in account to a volunteer enrolled without one: only the accounts an enrolment
    may take are offered (selectors.accounts_free_to_link)."""
    user = user_with(request, Capability.MANAGE_VOLUNTEERS)
    return card_action(
        request,
        pk,
        "account_form",
        lambda v, data: volunteer_link_account(volunteer=v, user=data["account"], actor=user, request=request),
    )


@staff_page
@require_POST
def volunteer_care_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Release one of the households the volunteer looks after (only theirs are offered)."""
    user = user_with(request, Capability.MANAGE_VOLUNTEERS)
    return card_action(
        request,
        pk,
        "release_form",
        lambda v, data: care_release(volunteer=v, household=data["household"], actor=user),
    )


@staff_page
@require_POST
def volunteer_leave_team(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the volunteer out of their team: their place is freed, and the households they
    looked after with it."""
    user = user_with(request, Capability.MANAGE_VOLUNTEERS)
    team_remove(volunteer=volunteer_for_user(user, pk), actor=user)
    return redirect("web:volunteer_detail", pk=pk)
