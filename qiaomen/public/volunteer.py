"""A resident offers to volunteer from their household's QR page (q/<token>/volunteer, R-PAR-1 and
R-PAR-3): within the QR page's rules (the code's own household only, rate-limited per code and per
IP like the other QR actions, no personal data shown). The offer names the household; community
staff choose the person when they accept it."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qiaomen.core.audit import client_ip
from qiaomen.core.errors import DomainError
from qiaomen.core.ratelimits import limit_hit, limit_reached
from qiaomen.participation.volunteers.applications import application_receive
from qiaomen.public.views import _code_limits, _door_code, _ip_limits, _too_many


class VolunteerForm(forms.Form):
    skills = forms.CharField(
        label=_("What I can do (e.g. haircuts, repairs, reading to elders)"), max_length=200, required=False
    )
    availability = forms.CharField(label=_("When I am free (e.g. weekend mornings)"), max_length=200, required=False)


@never_cache
@require_http_methods(["GET", "POST"])
def door_volunteer(request: HttpRequest, token: str) -> HttpResponse:
    code = _door_code(request, token)
    if isinstance(code, HttpResponse):
        return code
    form = VolunteerForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if limit_reached(request, group="qr-volunteer-code", key=str(code.pk), limits=_code_limits()) or limit_reached(
            request, group="qr-volunteer-ip", key=client_ip(request), limits=_ip_limits()
        ):
            return _too_many(request)
        try:
            application_receive(household=code.household, request=request, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            limit_hit(request, group="qr-volunteer-code", key=str(code.pk), limits=_code_limits())
            limit_hit(request, group="qr-volunteer-ip", key=client_ip(request), limits=_ip_limits())
            return redirect(request.path + "?sent=1")
    context = {
        "form": form,
        "street": code.household.building.grid.community.street.name,
        "sent": request.GET.get("sent") == "1",
    }
    return render(request, "public/volunteer.html", context, status=422 if form.errors and status == 200 else status)
