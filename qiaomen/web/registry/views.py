"""Registry pages: search, household card (一户一档), person card (一人一档) and unmasking.

Records are fetched only through the scoped helpers, so anything outside the user's places is a
404; what each role may see of a record is decided by the registry selectors and services.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.registry.identity import search_index_for
from qiaomen.registry.models import Person
from qiaomen.registry.selectors import (
    field_label,
    household_card,
    household_for_user,
    household_search,
    household_search_exact,
    household_views,
    person_card,
    person_for_user,
)
from qiaomen.registry.selectors_freshness import registry_freshness_for_page
from qiaomen.registry.services import household_views_record, person_unmask, person_view_record
from qiaomen.web.registry.forms import ExactSearchForm, RegistrySearchForm, UnmaskForm
from qiaomen.web.shared.forms import reveal_attempt
from qiaomen.web.shared.views import current_user, is_htmx, paginate, staff_page
from qiaomen.web.visits.views.worklist import household_visits_context

SEARCH_PAGE_SIZE = 25


def _without_number_in_query(query: QueryDict) -> tuple[QueryDict, bool]:
    """An ID or phone number typed into the address box is dropped, not searched: it is already
    in the URL and must not be echoed or used from there (SECURITY 6)."""
    if search_index_for(query.get("q", "")) is None:
        return query, False
    cleaned = query.copy()
    cleaned.pop("q")
    return cleaned, True


@staff_page
@require_http_methods(["GET", "POST"])
def registry_search(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = None
    number_in_url = False
    if request.method == "POST":
        form = RegistrySearchForm(user=user)
        exact_form = ExactSearchForm(request.POST)
        households = None
        if exact_form.is_valid():
            households = household_search_exact(user, exact_form.cleaned_data["number"])
            if households is None:
                exact_form.add_error("number", _("This is neither a valid ID number nor a phone number."))
            else:
                exact_form = ExactSearchForm()  # the number is not echoed back into the page
        results = household_views(user, households[:SEARCH_PAGE_SIZE]) if households is not None else None
    else:
        query, number_in_url = _without_number_in_query(request.GET)
        form = RegistrySearchForm(query, user=user)
        exact_form = ExactSearchForm()
        results = None
        if form.is_valid() and not number_in_url:
            data = form.cleaned_data
            households = household_search(
                user, text=data["q"], grid=data["grid"], building=data["building"], tag=data["tag"]
            )
            page = paginate(request, households, SEARCH_PAGE_SIZE)
            results = household_views(user, page.object_list)
    if results:
        household_views_record(user=user, views=results, request=request)
    context = {
        "form": form,
        "exact_form": exact_form,
        "results": results,
        "page": page,
        "number_in_url": number_in_url,
        "exact": request.method == "POST",
        "no_places": place_scope(user).is_empty,
        "freshness": registry_freshness_for_page(user),
    }
    return render(request, "web/registry/search.html", context)


@staff_page
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    household = household_for_user(user, pk)
    card = household_card(user, household)
    household_views_record(user=user, views=[card.view], request=request, obj=household)
    context = {
        "card": card,
        "can_resolve": user.can(Capability.IMPORT),
        "can_manage_door_codes": user.can(Capability.MANAGE_DOOR_CODES),
        **household_visits_context(user, household),
    }
    return render(request, "web/registry/household_detail.html", context)


@staff_page
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    person = person_for_user(user, pk)
    person_view_record(user=user, person=person, request=request)
    context = {
        "card": person_card(user, person),
        "can_unmask": user.can(Capability.UNMASK),
        "can_resolve": user.can(Capability.IMPORT),
        "can_record_rights": user.can(Capability.EDIT_REGISTRY),
        "unmaskable": list(_unmaskable(person).values()),
    }
    return render(request, "web/registry/person_detail.html", context)


@staff_page
@require_POST
def person_unmask_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Shows a full value once. htmx swaps the fragment in place; without JS a page shows it."""
    user = current_user(request)
    person = person_for_user(user, pk)
    form = UnmaskForm(request.POST)
    value, status = reveal_attempt(
        form,
        lambda data: person_unmask(
            user=user, person=person, field=data["field"], reason=data["reason"], request=request
        ),
    )
    field = str(form.data.get("field", ""))
    shown = _unmaskable(person).get(field, {"field": field, "label": field, "masked": ""})
    context = {"person": person, "form": form, "value": value, "can_unmask": True, **shown}
    template = "web/registry/_unmask.html" if is_htmx(request) else "web/registry/unmask.html"
    return render(request, template, context, status=status)


def _unmaskable(person: Person) -> dict[str, dict[str, str]]:
    """The fields that can be unmasked, with their label and the value shown by default."""
    masked = {"id_number": person.id_masked, "phone": person.phone_masked}
    return {
        field: {"field": field, "label": field_label(Person, field), "masked": value} for field, value in masked.items()
    }
