"""Meetings (敲门议事会) and self-governing groups: lists, new ones, one with its attendees or
members, minutes and decisions, and a decision's ticket. Scoped like the activity pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import DomainError
from qiaomen.participation.activities.groups import group_create, group_member_add
from qiaomen.participation.activities.lists import group_members, meeting_attendees
from qiaomen.participation.activities.meetings import (
    decision_ticket_open,
    meeting_attendee_add,
    meeting_create,
    meeting_decision_add,
    meeting_minutes_save,
)
from qiaomen.participation.activities.scope import (
    activities_for_user,
    decision_for_user,
    group_for_user,
    groups_for_user,
    meeting_for_user,
    meetings_for_user,
    organiser_places,
)
from qiaomen.registry.selectors import household_for_user, person_for_user
from qiaomen.tickets.selectors import active_subcategories
from qiaomen.web.activities.forms import (
    DecisionForm,
    DecisionTicketForm,
    GroupForm,
    HouseholdForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
)
from qiaomen.web.shared.views import paginate, staff_page, user_with


@staff_page
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_ACTIVITIES)
    rows = meetings_for_user(user).select_related("community", "grid", "group")
    context = {"page": paginate(request, rows, 50), "may_manage": user.can(Capability.MANAGE_ACTIVITIES)}
    return render(request, "web/activities/meetings.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_ACTIVITIES)
    places = organiser_places(user)
    form = MeetingForm(request.POST or None, communities=places.communities, grids=places.grids, groups=places.groups)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(user=user, request=request, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, ValidationError(str(exc.message)))
        else:
            return redirect("web:meeting_detail", pk=meeting.pk)
    context = {"form": form, "heading": gettext("New meeting")}
    return render(request, "web/activities/form.html", context, status=422 if form.errors else 200)


@staff_page
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.VIEW_ACTIVITIES)
    meeting = meeting_for_user(user, pk)
    places = organiser_places(user)
    context = {
        "meeting": meeting,
        "attendees": meeting_attendees(user, meeting),
        "decisions": meeting.decisions.select_related("ticket"),
        "may_manage": user.can(Capability.MANAGE_ACTIVITIES),
        "may_ticket": user.can(Capability.CREATE_TICKETS),
        "household_form": HouseholdForm(),
        "minutes_form": MinutesForm(initial={"minutes": meeting.minutes}),
        "decision_form": DecisionForm(),
        "ticket_form": DecisionTicketForm(
            grids=places.grids.filter(community_id=meeting.community_id), subcategories=active_subcategories()
        ),
    }
    return render(request, "web/activities/meeting_detail.html", context)


@staff_page
@require_POST
def meeting_attendee_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_change(request, pk, "attendee")


@staff_page
@require_POST
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_change(request, pk, "minutes")


@staff_page
@require_POST
def meeting_decision_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_change(request, pk, "decision")


def _meeting_change(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Add an attendee or a decision, or save the minutes."""
    user = user_with(request, Capability.MANAGE_ACTIVITIES)
    meeting = meeting_for_user(user, pk)
    if what == "attendee":
        form: HouseholdForm | MinutesForm | DecisionForm = HouseholdForm(request.POST)
        if form.is_valid():
            household = household_for_user(user, form.cleaned_data["household"])
            meeting_attendee_add(meeting=meeting, household=household, user=user, request=request)
    elif what == "minutes":
        form = MinutesForm(request.POST)
        if form.is_valid():
            meeting_minutes_save(meeting=meeting, user=user, minutes=form.cleaned_data["minutes"], request=request)
    else:
        form = DecisionForm(request.POST)
        if form.is_valid():
            meeting_decision_add(meeting=meeting, user=user, text=form.cleaned_data["text"], request=request)
    if form.errors:
        messages.error(request, gettext("Please check what you entered."))
    else:
        messages.success(request, gettext("Saved."))
    return redirect("web:meeting_detail", pk=pk)


@staff_page
@require_POST
def decision_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision as a ticket, through the staff intake; then the ticket's page."""
    user = user_with(request, Capability.CREATE_TICKETS)
    decision = decision_for_user(user, pk)
    places = organiser_places(user)
    form = DecisionTicketForm(
        request.POST,
        grids=places.grids.filter(community_id=decision.meeting.community_id),
        subcategories=active_subcategories(),
    )
    if not form.is_valid():
        messages.error(request, gettext("Please check what you entered."))
        return redirect("web:meeting_detail", pk=decision.meeting_id)
    ticket = decision_ticket_open(
        decision=decision,
        user=user,
        grid=form.cleaned_data["grid"],
        subcategory=form.cleaned_data["subcategory"],
        request=request,
    )
    messages.success(request, gettext("Ticket #%(pk)s created.") % {"pk": ticket.pk})
    return redirect("web:ticket_detail", pk=ticket.pk)


@staff_page
def group_list(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_ACTIVITIES)
    rows = groups_for_user(user).select_related("community")
    context = {"page": paginate(request, rows, 50), "may_manage": user.can(Capability.MANAGE_ACTIVITIES)}
    return render(request, "web/activities/groups.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_ACTIVITIES)
    form = GroupForm(request.POST or None, communities=organiser_places(user).communities)
    if request.method == "POST" and form.is_valid():
        try:
            group = group_create(user=user, request=request, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, ValidationError(str(exc.message)))
        else:
            return redirect("web:group_detail", pk=group.pk)
    context = {"form": form, "heading": gettext("New group")}
    return render(request, "web/activities/form.html", context, status=422 if form.errors else 200)


@staff_page
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.VIEW_ACTIVITIES)
    group = group_for_user(user, pk)
    context = {
        "group": group,
        "members": group_members(user, group),
        "activities": activities_for_user(user).filter(group=group)[:50],
        "meetings": meetings_for_user(user).filter(group=group)[:50],
        "may_manage": user.can(Capability.MANAGE_ACTIVITIES),
        "form": MemberForm(),
    }
    return render(request, "web/activities/group_detail.html", context)


@staff_page
@require_POST
def group_member_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_ACTIVITIES)
    group = group_for_user(user, pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        person = person_for_user(user, form.cleaned_data["person"])
        group_member_add(
            group=group, person=person, user=user, is_leader=form.cleaned_data["is_leader"], request=request
        )
        messages.success(request, gettext("Member added."))
    else:
        messages.error(request, gettext("Give a person number."))
    return redirect("web:group_detail", pk=pk)
