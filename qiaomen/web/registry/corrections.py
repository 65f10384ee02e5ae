"""Corrections sent from grid workers' phones that met a newer version of the person's file:
listed in the user's places with both values masked, each decided with one of two buttons
(registry.phone_corrections holds the rules)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qiaomen.accounts.roles import Capability
from qiaomen.registry.importing.person_values import field_label
from qiaomen.registry.phone_corrections import (
    correction_for_user,
    correction_masked,
    correction_resolve,
    corrections_open_for_user,
)
from qiaomen.web.shared.views import paginate, staff_page, user_with

PAGE_SIZE = 50


@staff_page
@require_GET
def phone_corrections(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.EDIT_REGISTRY)
    page = paginate(request, corrections_open_for_user(user), PAGE_SIZE)
    rows = []
    for correction in page:
        current, phone = correction_masked(correction)
        rows.append(
            {"correction": correction, "label": field_label(correction.field), "current": current, "phone": phone}
        )
    return render(request, "web/registry/phone_corrections.html", {"page": page, "rows": rows})


@staff_page
@require_POST
def phone_correction_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.EDIT_REGISTRY)
    correction = correction_for_user(user, pk)
    keep = request.POST.get("keep")
    if keep not in ("current", "phone"):
        messages.error(request, _("Choose which value to keep."))
    else:
        correction_resolve(correction=correction, user=user, take=keep == "phone", request=request)
        messages.success(request, _("The correction is decided."))
    return redirect("web:phone_corrections")
