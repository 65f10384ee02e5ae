"""Incident pages: the list and one incident of the user's places, reporting one (from a visit
of the household card, prefilled with that visit), acknowledging, closing, pausing visits."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.models import User
from qiaomen.accounts.places import grids_for_user
from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import DomainError
from qiaomen.devices.incidents import incident_acknowledge, incident_close, incident_pause_visits, incident_report
from qiaomen.devices.scope import INCIDENT_CAPABILITIES, incident_for_user, incidents_for_user
from qiaomen.visits.selectors import visit_for_user
from qiaomen.web.emergencies.forms import CloseForm, IncidentForm, PauseForm
from qiaomen.web.shared.views import current_user, paginate, staff_page, user_with


def _viewer(request: HttpRequest) -> User:
    """Who reports or handles incidents; 403 for everybody else, before any record is looked up."""
    user = current_user(request)
    if not any(user.can(capability) for capability in INCIDENT_CAPABILITIES):
        raise PermissionDenied
    return user


@staff_page
def incident_list(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    rows = incidents_for_user(user).select_related("community", "grid", "building")
    context = {"page": paginate(request, rows, 50), "may_report": user.can(Capability.REPORT_INCIDENTS)}
    return render(request, "web/emergencies/incidents.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.REPORT_INCIDENTS)
    visit_id = request.POST.get("visit") or request.GET.get("visit")
    visit = visit_for_user(user, int(visit_id)) if visit_id and visit_id.isdigit() else None
    form = IncidentForm(request.POST or None, grids=grids_for_user(user), on_visit=visit is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = incident_report(
                user=user,
                kind=data["kind"],
                description=data["description"],
                occurred_at=data["occurred_at"],
                visit=visit,
                grid=data.get("grid"),
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, ValidationError(str(exc.message)))
        else:
            return redirect("web:incident_detail", pk=incident.pk)
    context = {"form": form, "visit": visit}
    return render(request, "web/emergencies/incident_form.html", context, status=422 if form.errors else 200)


@staff_page
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    incident = incident_for_user(user, pk)
    context = {
        "incident": incident,
        "may_handle": user.can(Capability.HANDLE_INCIDENTS),
        "may_pause": user.can(Capability.PAUSE_VISITS),
        "close_form": CloseForm(),
        "pause_form": PauseForm(),
    }
    return render(request, "web/emergencies/incident_detail.html", context)


@staff_page
@require_POST
def incident_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.HANDLE_INCIDENTS)
    incident_acknowledge(user=user, incident=incident_for_user(user, pk), request=request)
    return redirect("web:incident_detail", pk=pk)


@staff_page
@require_POST
def incident_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.HANDLE_INCIDENTS)
    incident = incident_for_user(user, pk)
    form = CloseForm(request.POST)
    incident_close(user=user, incident=incident, reason=form.data.get("reason", ""), request=request)
    return redirect("web:incident_detail", pk=pk)


@staff_page
@require_POST
def incident_pause_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.PAUSE_VISITS)
    incident = incident_for_user(user, pk)
    form = PauseForm(request.POST)
    if not form.is_valid():
        return redirect("web:incident_detail", pk=pk)
    incident_pause_visits(user=user, incident=incident, until=form.cleaned_data["until"], request=request)
    return redirect("web:incident_detail", pk=pk)
