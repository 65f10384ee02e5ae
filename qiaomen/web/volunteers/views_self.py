"""A volunteer's own page: their tasks and hours, points and ledger, stars, and the addresses of
the households they look after (never who lives there). They record their own hours here and
redeem their own points; the record is always their own (own_volunteer), never one named in
the request."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import DomainError
from qiaomen.participation.models.volunteers import Volunteer
from qiaomen.participation.volunteers import selectors
from qiaomen.participation.volunteers.hours import service_record
from qiaomen.participation.volunteers.ledger import points_balance, points_redeem
from qiaomen.participation.volunteers.scope import catalogue_for_user, own_volunteer
from qiaomen.participation.volunteers.stars import STAR_RULE
from qiaomen.web.shared.views import staff_page, user_with
from qiaomen.web.volunteers.forms import HoursForm, RedeemForm


def _hours_form(volunteer: Volunteer, data: QueryDict | None = None) -> HoursForm:
    return HoursForm(
        data,
        visits=selectors.visits_to_accompany(volunteer, own=True),
        tickets=selectors.errands_to_claim(volunteer, own=True),
    )


def _redeem_form(user: User, data: QueryDict | None = None) -> RedeemForm:
    return RedeemForm(data, items=catalogue_for_user(user).filter(active=True))


def _page(
    request: HttpRequest,
    user: User,
    volunteer: Volunteer,
    *,
    form: HoursForm | None = None,
    redeem_form: RedeemForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "volunteer": volunteer,
        "balance": points_balance(volunteer),
        "ledger": selectors.ledger_of(volunteer)[:50],
        "services": selectors.services_of(volunteer)[:50],
        "care": selectors.care_of(volunteer),
        "stars": volunteer.stars.order_by("-year")[:5],
        "rule": STAR_RULE,
        "items": catalogue_for_user(user).filter(active=True),
        "form": form if form is not None else _hours_form(volunteer),
        "redeem_form": redeem_form if redeem_form is not None else _redeem_form(user),
        "problem": problem,
    }
    return render(request, "web/volunteers/me.html", context, status=status)


@staff_page
@require_http_methods(["GET", "POST"])
def volunteer_me(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.SERVE_AS_VOLUNTEER)
    volunteer = own_volunteer(user)
    form = _hours_form(volunteer, request.POST or None)
    if request.method == "POST" and form.is_valid():
        service_record(volunteer=volunteer, actor=user, request=request, **form.cleaned_data)
        return redirect("web:volunteer_me")
    return _page(request, user, volunteer, form=form, status=422 if form.errors else 200)


@staff_page
@require_POST
def volunteer_me_redeem(request: HttpRequest) -> HttpResponse:
    """Take an item of the street's catalogue for one's own points. A refusal (too few points,
    out of stock, an item since withdrawn) is shown on the page with 422, and nothing changes."""
    user = user_with(request, Capability.SERVE_AS_VOLUNTEER)
    volunteer = own_volunteer(user)
    form = _redeem_form(user, request.POST)
    if not form.is_valid():
        return _page(request, user, volunteer, redeem_form=form, status=422)
    try:
        points_redeem(volunteer=volunteer, item=form.cleaned_data["item"], actor=user, request=request)
    except DomainError as refusal:
        return _page(request, user, volunteer, problem=str(refusal.message), status=422)
    return redirect("web:volunteer_me")
