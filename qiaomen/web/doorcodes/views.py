"""Staff pages for the residents' QR door codes: a household's codes (issue, revoke, re-issue),
a building's codes (issue the missing ones at once) and the building's printable sticker sheet.

Records come through the scoped helpers (404 outside the user's places); the capability is
checked first, so a role without it gets the same 403 for any record, existing or not. Pages that
show tokens are audited by the services that hand them out.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qiaomen.accounts.places import building_for_user
from qiaomen.core.errors import InvalidInput
from qiaomen.core.qrcodes import qr_svg
from qiaomen.registry.models import Household
from qiaomen.registry.selectors import household_for_user, persons_for_user
from qiaomen.tickets.doorcodes.codes import (
    Sticker,
    buildings_with_code_counts,
    door_code_for_user,
    door_code_issue,
    door_code_reissue,
    door_code_revoke,
    door_code_sheet,
    door_codes_household_stickers,
    door_codes_issue_for_building,
    door_codes_of_household,
    require_door_code_manager,
)
from qiaomen.web.shared.views import current_user, paginate, staff_page

BUILDINGS_PAGE_SIZE = 50


def door_url(request: HttpRequest, token: str) -> str:
    path = reverse("public:door", args=[token])
    base = settings.QR_PUBLIC_BASE_URL
    return base + path if base else request.build_absolute_uri(path)


def _printable(request: HttpRequest, sticker: Sticker) -> dict[str, object]:
    return {"sticker": sticker, "svg": qr_svg(door_url(request, sticker.token))}


@staff_page
def doorcode_buildings(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_door_code_manager(user)
    page = paginate(request, buildings_with_code_counts(user), BUILDINGS_PAGE_SIZE)
    return render(request, "web/doorcodes/buildings.html", {"page": page})


@staff_page
@require_http_methods(["GET", "POST"])
def doorcode_building(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_door_code_manager(user)
    building = building_for_user(user, pk)
    if request.method == "POST":
        issued = door_codes_issue_for_building(building=building, user=user, request=request)
        messages.success(request, _("%(count)d new door codes issued.") % {"count": issued})
        return redirect("web:doorcode_building", pk=building.pk)
    counts = buildings_with_code_counts(user).get(pk=building.pk)
    return render(request, "web/doorcodes/building.html", {"building": building, "counts": counts})


@staff_page
def doorcode_stickers(request: HttpRequest, pk: int) -> HttpResponse:
    """An A4 sheet of door stickers, ready to print from the browser."""
    user = current_user(request)
    require_door_code_manager(user)
    building = building_for_user(user, pk)
    stickers = door_code_sheet(building=building, user=user, request=request)
    context = {
        "building": building,
        "street": building.grid.community.street.name,
        "stickers": [_printable(request, sticker) for sticker in stickers],
    }
    return render(request, "web/doorcodes/stickers.html", context)


def _household_action(request: HttpRequest, household: Household) -> None:
    user = current_user(request)
    action = request.POST.get("action", "")
    if action == "issue":
        person = None
        if request.POST.get("person"):
            person = persons_for_user(user).filter(household=household, pk=_int(request.POST["person"])).first()
            if person is None:
                raise InvalidInput("door_code_person", _("This person does not belong to this household."))
        door_code_issue(household=household, person=person, user=user, request=request)
        messages.success(request, _("A new door code was issued."))
        return
    code = door_code_for_user(user, _int(request.POST.get("code", "")))
    if code.household_id != household.pk:
        raise InvalidInput("door_code_household", _("This QR code does not belong to this household."))
    if action == "revoke":
        door_code_revoke(code=code, user=user, request=request)
        messages.success(request, _("The door code was revoked: it no longer opens the residents' page."))
    elif action == "reissue":
        door_code_reissue(code=code, user=user, request=request)
        messages.success(request, _("The door code was replaced: print the new sticker; the old one no longer works."))
    else:
        raise InvalidInput("door_code_action", _("Unknown action."))


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise InvalidInput("door_code_invalid", _("Invalid parameters.")) from exc


@staff_page
@require_http_methods(["GET", "POST"])
def doorcode_household(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require_door_code_manager(user)
    household = household_for_user(user, pk)
    if request.method == "POST":
        _household_action(request, household)
        return redirect("web:doorcode_household", pk=household.pk)
    live = door_codes_household_stickers(household=household, user=user, request=request)
    coded_people = {code.person_id for code, _ in live if code.person_id}
    context = {
        "household": household,
        "live": [{"code": code, **_printable(request, sticker)} for code, sticker in live],
        "history": door_codes_of_household(household).filter(revoked_at__isnull=False)[:20],
        "has_household_code": any(code.person_id is None for code, _ in live),
        "people": persons_for_user(user).filter(household=household).exclude(pk__in=coded_people).order_by("pk"),
    }
    return render(request, "web/doorcodes/household.html", context)
