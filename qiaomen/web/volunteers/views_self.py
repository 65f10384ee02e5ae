"""A volunteer's own page: their tasks and hours, points and ledger, stars, and the addresses of
the households they look after (never who lives there). They record their own hours here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from qiaomen.accounts.roles import Capability
from qiaomen.participation.volunteers import selectors
from qiaomen.participation.volunteers.hours import service_record
from qiaomen.participation.volunteers.ledger import points_balance
from qiaomen.participation.volunteers.scope import catalogue_for_user, own_volunteer
from qiaomen.participation.volunteers.stars import STAR_RULE
from qiaomen.web.shared.views import staff_page, user_with
from qiaomen.web.volunteers.forms import HoursForm


@staff_page
@require_http_methods(["GET", "POST"])
def volunteer_me(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.SERVE_AS_VOLUNTEER)
    volunteer = own_volunteer(user)
    form = HoursForm(
        request.POST or None,
        visits=selectors.visits_to_accompany(volunteer, own=True),
        tickets=selectors.errands_to_claim(volunteer, own=True),
    )
    if request.method == "POST" and form.is_valid():
        service_record(volunteer=volunteer, actor=user, request=request, **form.cleaned_data)
        return redirect("web:volunteer_me")
    context = {
        "volunteer": volunteer,
        "balance": points_balance(volunteer),
        "ledger": selectors.ledger_of(volunteer)[:50],
        "services": selectors.services_of(volunteer)[:50],
        "care": selectors.care_of(volunteer),
        "stars": volunteer.stars.order_by("-year")[:5],
        "rule": STAR_RULE,
        "items": catalogue_for_user(user).filter(active=True),
        "form": form,
    }
    return render(request, "web/volunteers/me.html", context, status=422 if form.errors else 200)
