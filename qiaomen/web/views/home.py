"""The landing page: each role starts where its work is."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from qiaomen.accounts.roles import Capability
from qiaomen.web.views.common import current_user, staff_page


@staff_page
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.can(Capability.VIEW_REGISTRY):
        return redirect("web:registry_search")
    if user.can(Capability.VIEW_AUDIT):
        return redirect("web:audit_log")
    # Department handlers work on tickets (a later issue) and never see the registry (SECURITY 5).
    return render(request, "web/home/department.html", {"department": user.department})
