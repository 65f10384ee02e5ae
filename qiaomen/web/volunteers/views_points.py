"""The grid worker's confirmation queue, the street's rates and catalogue, the yearly stars and
residents' applications to volunteer. Scoped lookups and one service call per change, as in views.py."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.roles import Capability
from qiaomen.participation.models.volunteers import StarRating
from qiaomen.participation.volunteers.applications import application_accept, application_decline
from qiaomen.participation.volunteers.hours import service_confirm, service_reject
from qiaomen.participation.volunteers.ledger import catalogue_item_save, rate_set, rates_of
from qiaomen.participation.volunteers.scope import (
    application_for_user,
    applications_for_user,
    catalogue_for_user,
    catalogue_item_for_user,
    confirmation_queue,
    service_for_user,
    streets_for_user,
    volunteers_for_user,
)
from qiaomen.participation.volunteers.stars import STAR_RULE, star_ratings_compute
from qiaomen.registry.selectors import persons_for_user
from qiaomen.web.shared.views import paginate, staff_page, user_with
from qiaomen.web.volunteers.forms import (
    AcceptForm,
    CatalogueForm,
    CatalogueItemForm,
    RateForm,
    ReasonForm,
    StarsForm,
)


@staff_page
def hours_queue(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.CONFIRM_SERVICE)
    rows = confirmation_queue(user).select_related("volunteer__person", "ticket", "visit").order_by("served_on", "pk")
    return render(request, "web/volunteers/queue.html", {"rows": rows, "reject_form": ReasonForm()})


@staff_page
@require_POST
def hours_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.CONFIRM_SERVICE)
    service_confirm(service=service_for_user(user, pk), actor=user, request=request)
    return redirect("web:volunteer_hours_queue")


@staff_page
@require_POST
def hours_reject(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.CONFIRM_SERVICE)
    service = service_for_user(user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        rows = confirmation_queue(user).select_related("volunteer__person")
        return render(request, "web/volunteers/queue.html", {"rows": rows, "reject_form": form}, status=422)
    service_reject(service=service, actor=user, reason=form.cleaned_data["reason"], request=request)
    return redirect("web:volunteer_hours_queue")


@staff_page
@require_http_methods(["GET", "POST"])
def catalogue(request: HttpRequest) -> HttpResponse:
    """The street's rates and its catalogue of rewards; the street admin sets both."""
    user = user_with(request, Capability.VIEW_VOLUNTEERS)
    street = streets_for_user(user).first()
    rate_form, item_form = RateForm(), CatalogueForm()
    status = 200
    if request.method == "POST":
        user_with(request, Capability.SET_POINT_RATES)
        if street is None:
            return redirect("web:volunteer_catalogue")
        if "points_per_hour" in request.POST:
            rate_form = RateForm(request.POST)
            if rate_form.is_valid():
                rate_set(street=street, actor=user, **rate_form.cleaned_data)
                return redirect("web:volunteer_catalogue")
        else:
            item_form = CatalogueForm(request.POST)
            if item_form.is_valid():
                catalogue_item_save(street=street, actor=user, **item_form.cleaned_data)
                return redirect("web:volunteer_catalogue")
        status = 422
    context = {
        "street": street,
        "rates": rates_of(street) if street else [],
        "items": catalogue_for_user(user),
        "rate_form": rate_form,
        "item_form": item_form,
        "may_set": user.can(Capability.SET_POINT_RATES),
    }
    return render(request, "web/volunteers/catalogue.html", context, status=status)


@staff_page
@require_http_methods(["GET", "POST"])
def catalogue_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an item of the street's catalogue: its price, restock it, or withdraw it."""
    user = user_with(request, Capability.SET_POINT_RATES)
    item = catalogue_item_for_user(user, pk)
    initial = {field: getattr(item, field) for field in ("name", "description", "points", "stock", "active")}
    form = CatalogueItemForm(request.POST or None, initial={**initial, "stock_was": item.stock})
    if request.method == "POST" and form.is_valid():
        catalogue_item_save(street=item.street, item=item, actor=user, **form.cleaned_data)
        return redirect("web:volunteer_catalogue")
    status = 422 if form.errors else 200
    return render(request, "web/volunteers/catalogue_item.html", {"item": item, "form": form}, status=status)


@staff_page
@require_http_methods(["GET", "POST"])
def stars(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_VOLUNTEERS)
    form = StarsForm(request.POST or None)
    if request.method == "POST":
        user_with(request, Capability.MANAGE_VOLUNTEERS)
        if form.is_valid():
            star_ratings_compute(year=form.cleaned_data["year"])
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    years = list(
        StarRating.objects.filter(volunteer__in=volunteers_for_user(user)).values_list("year", flat=True).distinct()
    )
    chosen = request.GET.get("year", "")
    year = int(chosen) if chosen.isdigit() else max(years, default=timezone.localdate().year - 1)
    ratings = (
        StarRating.objects.filter(volunteer__in=volunteers_for_user(user), year=year)
        .select_related("volunteer__person", "volunteer__grid")
        .order_by("-stars", "-hours")
    )
    context = {
        "page": paginate(request, ratings, 100),
        "year": year,
        "years": sorted(set(years), reverse=True),
        "rule": STAR_RULE,
        "form": form,
        "may_compute": user.can(Capability.MANAGE_VOLUNTEERS),
    }
    return render(request, "web/volunteers/stars.html", context, status=422 if form.errors else 200)


@staff_page
def application_list(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_VOLUNTEERS)
    rows = applications_for_user(user).select_related("household__building", "volunteer")
    return render(request, "web/volunteers/applications.html", {"page": paginate(request, rows, 50)})


@staff_page
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept (choosing the member of the household who volunteers) or decline."""
    user = user_with(request, Capability.MANAGE_VOLUNTEERS)
    row = application_for_user(user, pk)
    members = persons_for_user(user).filter(household=row.household).order_by("pk")
    accept_form = AcceptForm(members=members)
    decline_form = ReasonForm()
    if request.method == "POST":
        if request.POST.get("decision") == "decline":
            decline_form = ReasonForm(request.POST)
            if decline_form.is_valid():
                application_decline(application=row, actor=user, reason=decline_form.cleaned_data["reason"])
                return redirect("web:volunteer_applications")
        else:
            accept_form = AcceptForm(request.POST, members=members)
            if accept_form.is_valid():
                volunteer = application_accept(
                    application=row, person=accept_form.cleaned_data["person"], actor=user, request=request
                )
                return redirect("web:volunteer_detail", pk=volunteer.pk)
    status = 422 if accept_form.errors or decline_form.errors else 200
    context = {"row": row, "accept_form": accept_form, "decline_form": decline_form}
    return render(request, "web/volunteers/application.html", context, status=status)
