"""Activities and the participation rate: the list, a new activity, one activity with its door
code, its sign-ups and attendance; the rate by community and grid and the households behind it.

Records are fetched through the participation domain's scoped helpers (404 outside the user's
places) and households through the registry's; the capability is checked before any lookup.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.errors import DomainError
from qiaomen.core.qrcodes import qr_svg
from qiaomen.core.workdays import CHINA
from qiaomen.participation.activities.activities import activity_checkin, activity_create, activity_signup
from qiaomen.participation.activities.changes import activity_cancel, activity_changeable, activity_edit
from qiaomen.participation.activities.lists import activity_attendances, activity_signups
from qiaomen.participation.activities.rate import (
    ACTIVE_GROUPS_GOAL,
    PARTICIPATION_GOAL,
    groups_with_activity,
    households_taking_part,
    participation_table,
)
from qiaomen.participation.activities.scope import activities_for_user, activity_for_user, organiser_places
from qiaomen.participation.models.activities import Activity, AttendanceVia, SignUpChannel
from qiaomen.registry.selectors import household_for_user
from qiaomen.web.activities.forms import ActivityEditForm, ActivityForm, CancelForm, HouseholdForm
from qiaomen.web.shared.views import paginate, staff_page, user_with


def checkin_url(request: HttpRequest, token: str) -> str:
    path = reverse("public:activity_checkin", args=[token])
    base = getattr(settings, "QR_PUBLIC_BASE_URL", "")
    return base + path if base else request.build_absolute_uri(path)


def period_of(request: HttpRequest) -> tuple[int, dt.datetime, dt.datetime]:
    """The calendar year (Shanghai) asked for with ?year=, this year by default."""
    this_year = timezone.now().astimezone(CHINA).year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year + 1)
    return year, dt.datetime(year, 1, 1, tzinfo=CHINA), dt.datetime(year + 1, 1, 1, tzinfo=CHINA)


@staff_page
def activity_list(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_ACTIVITIES)
    rows = activities_for_user(user).select_related("community", "building", "group")
    page = paginate(request, rows, 50)
    return render(
        request,
        "web/activities/list.html",
        {"page": page, "may_manage": user.can(Capability.MANAGE_ACTIVITIES)},
    )


@staff_page
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_ACTIVITIES)
    places = organiser_places(user)
    form = ActivityForm(
        request.POST or None, communities=places.communities, buildings=places.buildings, groups=places.groups
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = activity_create(user=user, request=request, **data)
        except DomainError as exc:
            form.add_error(None, ValidationError(str(exc.message)))
        else:
            return redirect("web:activity_detail", pk=activity.pk)
    context = {"form": form, "heading": gettext("New activity")}
    return render(request, "web/activities/form.html", context, status=422 if form.errors else 200)


@staff_page
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.VIEW_ACTIVITIES)
    activity = activity_for_user(user, pk)
    now = timezone.now()
    context = {
        "activity": activity,
        "running": activity.starts_at <= now < activity.ends_at,
        "signups": activity_signups(user, activity),
        "attendances": activity_attendances(user, activity),
        "may_manage": user.can(Capability.MANAGE_ACTIVITIES),
        "changeable": activity_changeable(activity, now=now),
        "form": HouseholdForm(),
        "cancel_form": CancelForm(),
    }
    if user.can(Capability.MANAGE_ACTIVITIES):
        link = checkin_url(request, activity.checkin_token)
        context.update({"checkin_link": link, "checkin_svg": qr_svg(link, scale=6)})
    return render(request, "web/activities/detail.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def activity_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an activity that has not started (its community stays)."""
    user = user_with(request, Capability.MANAGE_ACTIVITIES)
    activity = activity_for_user(user, pk)
    places = organiser_places(user)
    form = ActivityEditForm(
        request.POST or None,
        initial=_fields_of(activity),
        communities=places.communities,
        buildings=places.buildings.filter(grid__community_id=activity.community_id),
        groups=places.groups.filter(community_id=activity.community_id),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            activity_edit(activity=activity, user=user, request=request, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, ValidationError(str(exc.message)))
            status = exc.status
        else:
            messages.success(request, gettext("Saved."))
            return redirect("web:activity_detail", pk=pk)
    context = {"form": form, "heading": gettext("Change the activity")}
    return render(request, "web/activities/form.html", context, status=422 if form.errors and status == 200 else status)


def _fields_of(activity: Activity) -> dict[str, object]:
    names = ("title", "kind", "building", "group", "location", "starts_at", "ends_at", "capacity")
    return {name: getattr(activity, name) for name in names}


@staff_page
@require_POST
def activity_cancel_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel an activity that has not started, with the reason; its sign-ups stay."""
    user = user_with(request, Capability.MANAGE_ACTIVITIES)
    activity = activity_for_user(user, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Say why the activity is cancelled."))
        return redirect("web:activity_detail", pk=pk)
    activity_cancel(activity=activity, user=user, reason=form.cleaned_data["reason"], request=request)
    messages.success(request, gettext("The activity is cancelled."))
    return redirect("web:activity_detail", pk=pk)


@staff_page
@require_POST
def activity_signup_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _household_add(request, pk, "signup")


@staff_page
@require_POST
def activity_attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _household_add(request, pk, "attend")


def _household_add(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Sign a household up, or record that it came (from the paper list at the door)."""
    user = user_with(request, Capability.MANAGE_ACTIVITIES)
    activity = activity_for_user(user, pk)
    form = HouseholdForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Give a household number."))
        return redirect("web:activity_detail", pk=pk)
    household = household_for_user(user, form.cleaned_data["household"])
    if what == "signup":
        activity_signup(activity=activity, household=household, channel=SignUpChannel.STAFF, user=user, request=request)
        messages.success(request, gettext("Signed up."))
    else:
        _, created = activity_checkin(
            activity=activity, household=household, via=AttendanceVia.STAFF, user=user, request=request
        )
        messages.success(request, gettext("Attendance recorded.") if created else gettext("Already recorded."))
    return redirect("web:activity_detail", pk=pk)


@staff_page
def participation(request: HttpRequest) -> HttpResponse:
    """The participation rate by community and grid against 60 %, and the groups against 10."""
    user = user_with(request, Capability.VIEW_ACTIVITIES)
    year, start, end = period_of(request)
    scope = place_scope(user)
    table = participation_table(scope=scope, start=start, end=end)
    groups = groups_with_activity(scope=scope, start=start, end=end)
    context = {
        "year": year,
        "table": table,
        "goal": PARTICIPATION_GOAL,
        "groups": groups,
        "active_groups": sum(1 for row in groups if row.active),
        "groups_goal": ACTIVE_GROUPS_GOAL,
    }
    return render(request, "web/activities/participation.html", context)


@staff_page
def participation_households(request: HttpRequest, grid_id: int) -> HttpResponse:
    """The households of one grid that took part in the year: the numerator's rows."""
    user = user_with(request, Capability.VIEW_ACTIVITIES)
    scope = place_scope(user)
    if grid_id not in scope.all_grid_ids:
        raise Http404
    year, start, end = period_of(request)
    rows = (
        households_taking_part(scope=scope, start=start, end=end)
        .filter(building__grid_id=grid_id)
        .select_related("building__grid")
        .order_by("building__address_key", "address_key")
    )
    page = paginate(request, rows, 50)
    return render(request, "web/activities/households.html", {"page": page, "year": year})
