"""The landing page: each role starts where its work is."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from qiaomen.accounts.roles import Capability, Role
from qiaomen.web.shared.views import current_user, staff_page


@staff_page
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    # A department works its inbox and never sees the registry (SECURITY 5).
    if user.role == Role.DEPARTMENT_HANDLER and user.department_id and user.can(Capability.VIEW_TICKETS):
        return redirect("web:ticket_inbox")
    # A grid worker's day starts with the doors due today.
    if user.role == Role.GRID_WORKER and user.can(Capability.RECORD_VISITS) and user.places.exists():
        return redirect("web:worklist")
    if user.can(Capability.VIEW_REGISTRY):
        return redirect("web:registry_search")
    # A volunteer's page holds their households, hours and points.
    if user.can(Capability.SERVE_AS_VOLUNTEER):
        return redirect("web:volunteer_me")
    if user.can(Capability.VIEW_AUDIT):
        return redirect("web:audit_log")
    # The system and security admins work on accounts (三员分立).
    if user.can(Capability.MANAGE_USERS) or user.can(Capability.MANAGE_SECURITY):
        return redirect("web:user_list")
    return render(request, "web/home/unassigned.html")
