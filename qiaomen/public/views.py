"""The residents' pages, without login: the token in the link is the credential.

The rating page is reached through the one-time link sent when a ticket is resolved; the QR page
through a door code. Neither shows an address or a name, so a forwarded link gives nothing away.
The rules (one use, expiry, a low rating reopening the ticket; health consent, which demands a
code may see) are the services'.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qiaomen.core.audit import client_ip
from qiaomen.core.errors import Conflict, DomainError, NotFound
from qiaomen.core.photos import PHOTO_ERRORS
from qiaomen.core.ratelimits import Limit, limit_hit, limit_reached
from qiaomen.public.forms import DemandForm, RatingForm, RightsForm
from qiaomen.registry.models import DoorCode, RightsChannel
from qiaomen.tickets.doorcodes.codes import door_code_lookup
from qiaomen.tickets.doorcodes.residents import (
    DemandRow,
    ResidentDemand,
    door_code_demands,
    door_code_rating_link,
    door_code_submitted,
    resident_demand_submit,
)
from qiaomen.tickets.models import Status
from qiaomen.tickets.rights.requests import rights_request_receive
from qiaomen.tickets.services import rating_link_open, ticket_rate

RATE_LIMIT_PER_MINUTE = 20


def _per_minute_hit(request: HttpRequest, *, group: str, limit: int) -> bool:
    """Counts this request; True once the IP has made more than `limit` in this minute."""
    return limit_hit(request, group=group, key=client_ip(request), limits=[Limit(limit, 60)])


def _message(request: HttpRequest, text: str, status: int) -> HttpResponse:
    return render(request, "public/message.html", {"message": text}, status=status)


@never_cache
def rate(request: HttpRequest, token: str) -> HttpResponse:
    limit = getattr(settings, "PUBLIC_RATE_LIMIT_PER_MINUTE", RATE_LIMIT_PER_MINUTE)
    if _per_minute_hit(request, group="rate", limit=limit):
        return _message(request, gettext("Too many visits; please try again later."), 429)
    try:
        link = rating_link_open(token)
    except NotFound:
        return _message(request, gettext("This rating link is invalid or has expired."), 404)
    except Conflict:
        return _message(request, gettext("You have already rated this. Thank you for your feedback!"), 409)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket_rate(
                token=token, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"], request=request
            )
        except DomainError as exc:
            return _message(request, str(exc.message), exc.status)
        return render(request, "public/thanks.html", {"score": form.cleaned_data["score"]})
    status = 422 if form.errors else 200
    return render(request, "public/rate.html", {"form": form, "ticket": link.ticket}, status=status)


# --- the QR page behind a door code (/q/<token>) -----------------------------------------------

# What the resident reads for each status: plain words, not the staff's terms.
STATUS_WORDS = {
    Status.NEW: pgettext_lazy("resident status", "Received, being assigned"),
    Status.ROUTED: pgettext_lazy("resident status", "Passed to the department in charge"),
    Status.ACCEPTED: pgettext_lazy("resident status", "Accepted"),
    Status.IN_PROGRESS: pgettext_lazy("resident status", "Being handled"),
    Status.RETURNED: pgettext_lazy("resident status", "More information needed: staff will contact you"),
    Status.TRANSFERRED: pgettext_lazy("resident status", "Being passed to another department"),
    Status.RESOLVED: pgettext_lazy("resident status", "Done"),
    Status.REOPENED: pgettext_lazy("resident status", "Being handled again"),
    Status.CLOSED: pgettext_lazy("resident status", "Closed"),
    Status.MERGED: pgettext_lazy("resident status", "Handled together with the same demand"),
}


def _demand_rows(code: DoorCode) -> list[DemandRow]:
    """The service's rows with each status in the resident's words."""
    return [
        replace(row, status=str(STATUS_WORDS.get(Status(row.status), Status(row.status).label)))
        for row in door_code_demands(code, now=timezone.now())
    ]


def _door_page(request: HttpRequest, code: DoorCode, form: DemandForm, *, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "street": code.household.building.grid.community.street.name,
        "personal": code.person_id is not None,
        "demands": _demand_rows(code),
        "sent": request.GET.get("sent") == "1",
    }
    return render(request, "public/door.html", context, status=status)


def _miss_limits() -> list[Limit]:
    return [Limit(settings.QR_MISSES_PER_IP, settings.QR_MISS_WINDOW_SECONDS)]


def _code_limits() -> list[Limit]:
    return [Limit(settings.QR_SUBMITS_PER_CODE_PER_HOUR, 3600), Limit(settings.QR_SUBMITS_PER_CODE_PER_DAY, 86400)]


def _ip_limits() -> list[Limit]:
    return [Limit(settings.QR_SUBMITS_PER_IP_PER_HOUR, 3600), Limit(settings.QR_SUBMITS_PER_IP_PER_DAY, 86400)]


def _too_many(request: HttpRequest) -> HttpResponse:
    return _message(request, gettext("Too many requests. Please try again later."), 429)


def _door_code(request: HttpRequest, token: str) -> DoorCode | HttpResponse:
    """The live code behind a token, or the refusal to answer with.

    Unknown tokens are counted per IP; once an IP has missed too often it gets 429 on every
    token, the real ones too, so the answer never tells a guesser that a token exists.
    """
    ip = client_ip(request)
    if limit_reached(request, group="qr-miss", key=ip, limits=_miss_limits()) or _per_minute_hit(
        request, group="qr-view", limit=settings.QR_VIEWS_PER_IP_PER_MINUTE
    ):
        return _too_many(request)
    code = door_code_lookup(token)
    if code is None:
        if limit_hit(request, group="qr-miss", key=ip, limits=_miss_limits()):
            return _too_many(request)
        return _message(
            request,
            gettext("This QR code is not valid or has been replaced. Please ask your grid worker or community office."),
            404,
        )
    return code


@never_cache
@require_http_methods(["GET", "POST"])
def door(request: HttpRequest, token: str) -> HttpResponse:
    """The resident page behind a QR door code: notice, demand form, this household's demands."""
    code = _door_code(request, token)
    if isinstance(code, HttpResponse):
        return code
    if request.method == "POST" and "rate" in request.POST:
        return _door_rate(request, code)
    if request.method == "POST":
        return _door_submit(request, code)
    return _door_page(request, code, DemandForm(initial={"submission_id": uuid.uuid4()}))


def _door_submit(request: HttpRequest, code: DoorCode) -> HttpResponse:
    form = DemandForm(request.POST, request.FILES)
    if not form.is_valid():
        return _door_page(request, code, form, status=422)
    data = form.cleaned_data
    done = redirect(request.path + "?sent=1")
    if door_code_submitted(code=code, submission_id=data["submission_id"]) is not None:
        return done  # the same form again (a double tap, a resend): answered with the first result
    if limit_reached(request, group="qr-submit-code", key=str(code.pk), limits=_code_limits()) or limit_reached(
        request, group="qr-submit-ip", key=client_ip(request), limits=_ip_limits()
    ):
        return _message(
            request,
            gettext("Many demands were sent from here recently. Please try again later or call your community office."),
            429,
        )
    demand = ResidentDemand(
        text=data["text"],
        photos=[data["photo"]] if data["photo"] else [],
        submission_id=data["submission_id"],
        callback_phone=data["callback_phone"],
        health_consent=data["health_consent"],
        health_asked=data["health_asked"],
    )
    try:
        _, created = resident_demand_submit(code=code, demand=demand, request=request)
    except DomainError as exc:
        return _door_refused(request, code, form, exc)
    if created:
        limit_hit(request, group="qr-submit-code", key=str(code.pk), limits=_code_limits())
        limit_hit(request, group="qr-submit-ip", key=client_ip(request), limits=_ip_limits())
    return done


def _door_refused(request: HttpRequest, code: DoorCode, form: DemandForm, exc: DomainError) -> HttpResponse:
    """The form again with the service's Chinese message next to the field it concerns."""
    if exc.code == "health_consent_needed":
        data = request.POST.copy()
        data["health_asked"] = "1"
        form = DemandForm(data)
        form.is_valid()
        form.add_error("health_consent", exc.message)
    elif exc.code in PHOTO_ERRORS:
        form.add_error("photo", exc.message)
    elif exc.code.startswith("description"):
        form.add_error("text", exc.message)
    else:
        form.add_error(None, exc.message)
    return _door_page(request, code, form, status=exc.status)


def _door_rate(request: HttpRequest, code: DoorCode) -> HttpResponse:
    """A fresh one-time rating link for a resolved demand, then the rating page of the tickets issue."""
    if limit_hit(request, group="qr-rate", key=str(code.pk), limits=_code_limits()):
        return _too_many(request)
    try:
        ticket_pk = int(request.POST.get("rate", ""))
    except ValueError:
        return _message(request, gettext("This demand was not found."), 404)
    try:
        rating_token = door_code_rating_link(code=code, ticket_pk=ticket_pk, request=request)
    except DomainError as exc:
        return _message(request, str(exc.message), exc.status)
    return redirect("public:rate", token=rating_token)


@never_cache
@require_http_methods(["GET", "POST"])
def door_rights(request: HttpRequest, token: str) -> HttpResponse:
    """A request to see, correct or delete one's personal information, for the household (or the
    person) of the code. It creates a request for staff and shows nothing of what is kept: staff
    check who is asking before they show, correct or delete anything."""
    code = _door_code(request, token)
    if isinstance(code, HttpResponse):
        return code
    form = RightsForm(request.POST or None, initial={"submission_id": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if limit_reached(request, group="qr-rights-code", key=str(code.pk), limits=_code_limits()) or limit_reached(
            request, group="qr-rights-ip", key=client_ip(request), limits=_ip_limits()
        ):
            return _too_many(request)
        _, created = rights_request_receive(
            household=code.household,
            person=code.person,
            kind=data["kind"],
            channel=RightsChannel.QR,
            text=data["text"],
            door_code=code,
            submission_id=data["submission_id"],
            request=request,
        )
        if created:
            limit_hit(request, group="qr-rights-code", key=str(code.pk), limits=_code_limits())
            limit_hit(request, group="qr-rights-ip", key=client_ip(request), limits=_ip_limits())
        return redirect(request.path + "?sent=1")
    context = {
        "form": form,
        "street": code.household.building.grid.community.street.name,
        "sent": request.GET.get("sent") == "1",
    }
    return render(request, "public/rights.html", context, status=422 if form.errors else 200)
