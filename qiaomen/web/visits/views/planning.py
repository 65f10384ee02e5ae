"""The shared visit calendar of every department (R-VIS-5) and the street admin's pauses (R-VIS-7)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.models import User
from qiaomen.accounts.places import communities_for_user, grids_for_user
from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import InvalidInput
from qiaomen.places.models import Building, Community
from qiaomen.registry.models import Household
from qiaomen.registry.selectors import household_for_user
from qiaomen.visits.models import PlannedPurpose, PlanStatus
from qiaomen.visits.selectors import (
    calendar_plans_for_user,
    pause_for_user,
    pauses_for_user,
    plannable_grids,
    plannable_households,
)
from qiaomen.visits.services import (
    visit_pause_create,
    visit_pause_lift,
    visit_plan_households,
    visits_saved_by_joining,
)
from qiaomen.web.shared.views import paginate, staff_page, user_with
from qiaomen.web.visits.forms import PauseForm, PlanForm
from qiaomen.web.visits.views.worklist import sentences

CALENDAR_PAGE_SIZE = 30
PAST_PAUSES_SHOWN = 20
DECISIONS = {"join": True, "separate": False}


def _record_id(value: str | None) -> int | None:
    """A record id from the query or the form; anything else names no record (404)."""
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def _purposes() -> Prefetch:
    return Prefetch(
        "purposes", queryset=PlannedPurpose.objects.select_related("department", "requested_by").order_by("pk")
    )


def _plan_form(request: HttpRequest, user: User, household: Household | None) -> PlanForm:
    grids = plannable_grids(user)
    # Buildings are offered within the chosen grid only: a street has thousands of them.
    grid_id = _record_id(request.POST.get("grid") or request.GET.get("grid"))
    buildings = Building.objects.filter(grid__in=grids).order_by("address_key")
    return PlanForm(
        request.POST if request.method == "POST" else None,
        initial={"household": household.pk if household else None, "grid": grid_id},
        communities=Community.objects.filter(pk__in=grids.values("community_id")).order_by("code"),
        grids=grids.select_related("community").order_by("community__code", "code"),
        buildings=buildings.filter(grid_id=grid_id) if grid_id else buildings.none(),
    )


def _target_households(user: User, form: PlanForm, household: Household | None) -> list[Household]:
    if household is not None:
        return [household]
    data = form.cleaned_data
    places = plannable_households(user, community=data["community"], grid=data["grid"], building=data["building"])
    return list(places.select_related("building"))


@staff_page
@require_http_methods(["GET", "POST"])
def visit_calendar(request: HttpRequest) -> HttpResponse:
    """Plan a visit for one household or a place; when some households already have a visit
    planned within the window, show the first and let the planner join it or plan apart."""
    user = user_with(request, Capability.PLAN_VISITS)
    household_id = _record_id(request.POST.get("household") or request.GET.get("household"))
    household = household_for_user(user, household_id) if household_id else None
    form = _plan_form(request, user, household)
    overlap = None
    if request.method == "POST" and form.is_valid():
        try:
            result = visit_plan_households(
                user=user,
                households=_target_households(user, form, household),
                on=form.cleaned_data["planned_for"],
                purpose=form.cleaned_data["purpose"],
                join=DECISIONS.get(request.POST.get("decision", "")),
                request=request,
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            if not result.overlapping:
                messages.success(request, _planned_message(result.planned, result.joined))
                return redirect("web:visit_calendar")
            prefetch_related_objects(result.overlapping[:1], _purposes())
            overlap = {"first": result.overlapping[0], "count": len(result.overlapping)}
    plans = calendar_plans_for_user(user)
    upcoming = (
        plans.filter(status=PlanStatus.PLANNED, planned_for__gte=timezone.localdate())
        .select_related("household__building", "created_by")
        .prefetch_related(_purposes())
        .order_by("planned_for", "household__building__address_key", "household__unit", "household__room", "pk")
    )
    context = {
        "form": form,
        "household": household,
        "overlap": overlap,
        "page": paginate(request, upcoming, CALENDAR_PAGE_SIZE),
        "saved": visits_saved_by_joining(plans),
        "is_department": not user.can(Capability.VIEW_REGISTRY),
    }
    return render(request, "web/visits/calendar.html", context, status=422 if form.errors else 200)


def _planned_message(planned: int, joined: int) -> str:
    parts = [
        ngettext("A visit is planned for %(count)d household.", "Visits are planned for %(count)d households.", planned)
        % {"count": planned}
    ]
    if joined:
        parts.append(
            ngettext(
                "%(count)d of them joins a visit already planned.",
                "%(count)d of them join visits already planned.",
                joined,
            )
            % {"count": joined}
        )
    return sentences(parts)


@staff_page
def plan_buildings(request: HttpRequest) -> HttpResponse:
    """The building options of one plannable grid, for the calendar's building choice (htmx)."""
    user = user_with(request, Capability.PLAN_VISITS)
    grid_id = _record_id(request.GET.get("grid"))
    buildings: QuerySet[Building] = Building.objects.none()
    if grid_id is not None:
        grid = plannable_grids(user).filter(pk=grid_id).first()
        if grid is None:
            raise Http404
        buildings = Building.objects.filter(grid=grid).order_by("address_key")
    return render(request, "web/visits/_building_options.html", {"buildings": buildings})


# --- pauses ---------------------------------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def visit_pauses(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.PAUSE_VISITS)
    form = PauseForm(
        request.POST if request.method == "POST" else None,
        communities=communities_for_user(user).order_by("code"),
        grids=grids_for_user(user).select_related("community").order_by("community__code", "code"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit_pause_create(
                user=user,
                communities=list(data["communities"]),
                grids=list(data["grids"]),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                request=request,
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("Visits are paused there; work lists switch to phone contact."))
            return redirect("web:visit_pauses")
    today = timezone.localdate()
    pauses = list(
        pauses_for_user(user)
        .select_related("created_by")
        .prefetch_related("communities", "grids")
        .order_by("-starts_on", "-pk")
    )
    context = {
        "form": form,
        "current": [pause for pause in pauses if pause.lifted_at is None and pause.ends_on >= today],
        "past": [pause for pause in pauses if pause.lifted_at is not None or pause.ends_on < today][:PAST_PAUSES_SHOWN],
        "today": today,
    }
    return render(request, "web/visits/pauses.html", context, status=422 if form.errors else 200)


@staff_page
@require_POST
def visit_pause_lift_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.PAUSE_VISITS)
    visit_pause_lift(user=user, pause=pause_for_user(user, pk), request=request)
    messages.success(request, gettext("The pause is lifted; visits resume in person."))
    return redirect("web:visit_pauses")
