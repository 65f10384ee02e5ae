"""Ticket pages: the inbox, a ticket with its timeline and action forms, staff entry, the
supervisor's spot checks and the notifications.

Tickets are looked up only through qiaomen.tickets.selectors (404 outside the user's places or
department); each page needs one capability of the roles table (403 otherwise, before any
lookup). The transitions themselves, with their conflicts (409) and required reasons, are the
services' business: a view parses the form, calls the service and shows the outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import Conflict, DomainError, InvalidInput
from qiaomen.core.photos import MAX_PHOTO_BYTES, PHOTO_ERRORS
from qiaomen.core.spreadsheets import XLSX_CONTENT_TYPE
from qiaomen.registry.selectors import household_for_user
from qiaomen.tickets import services
from qiaomen.tickets.classification import ranked_codes
from qiaomen.tickets.inbox import inbox_in_order
from qiaomen.tickets.models import Channel, PhotoKind, Status, Ticket, TicketEvent
from qiaomen.tickets.selectors import (
    active_subcategories,
    notifications_for_user,
    spot_check_for_user,
    spot_checks_pending,
    ticket_actions,
    ticket_for_user,
    ticket_photo_for_user,
)
from qiaomen.tickets.selectors import (
    ticket_inbox as inbox_tickets,
)
from qiaomen.tickets.services.export import tickets_export
from qiaomen.tickets.services.intake import ticket_from_text
from qiaomen.web.shared.views import current_user, download, paginate, staff_page, user_with
from qiaomen.web.tickets.forms import (
    ResolveForm,
    ResubmitForm,
    ReturnForm,
    SpotCheckForm,
    TicketEntryForm,
    TransferForm,
)
from qiaomen.web.tickets.views.alarm import alarm_context
from qiaomen.web.tickets.views.review import classification_context
from qiaomen.web.tickets.views.similar import similar_context

INBOX_PAGE = 50
NOTIFICATIONS_PAGE = 50
SPOT_CHECK_PAGE = 100  # a day's checks at most; the oldest come first
PHOTO_LIMITS = {"count": services.MAX_PHOTOS_PER_TICKET, "megabytes": MAX_PHOTO_BYTES // (1024 * 1024)}


# What each TicketEvent.action reads as in the timeline.
ACTION_LABELS = {
    "create": _("created and routed"),
    # Resubmitted after a return, or classified by a person after the classifier held it.
    "route": _("routed"),
    "classify": _("sub-category or priority corrected"),
    "accept": _("accepted"),
    "start": _("work started"),
    "transfer": _("transferred"),
    "return": _("returned for more information"),
    "resolve": _("resolved"),
    "confirm": _("result confirmed by the grid worker"),
    "rate": _("rated by the resident"),
    "reopen": _("reopened"),
    "close": _("closed"),
    "priority": _("priority changed"),
    "escalate": _("escalated"),
    "spot_check": _("spot-checked"),
    "merge": _("merged into another ticket as the same demand"),
    "merge_in": _("a duplicate of this demand was merged in"),
    "photos_add": _("photos added"),
    # A resident's deletion request (PIPL art. 47): the ticket's words were erased, its figures kept.
    "erase": _("text erased at the resident's request"),
    # Opened by a device (devices.tickets); the device and its event are in the row's notes.
    "device_alarm": _("device alarm"),
    "device_alarm_repeat": _("the same device alarmed again"),
    "device_battery_low": _("device battery low"),
    "device_offline": _("device went silent"),
    # The alarm's acknowledgement timer (devices.acknowledgements): a ladder rung, then the answer.
    "device_ack_escalated": _("alarm not acknowledged: escalated"),
    "device_ack_acknowledged": _("alarm acknowledged"),
    "device_ack_on_site": _("arrived on site"),
}


def _photo_bytes(data: dict[str, Any]) -> list[bytes]:
    """The uploaded photos' bytes from a form's cleaned data; at most one byte over the limit is
    read, which is enough for the service to refuse a photo as too large."""
    return [upload.read(MAX_PHOTO_BYTES + 1) for upload in data.get("photos") or []]


def _photo_error(form: forms.Form, error: DomainError) -> None:
    form.add_error("photos" if error.code in PHOTO_ERRORS and "photos" in form.fields else None, error.message)


@dataclass(frozen=True)
class TimelineEntry:
    event: TicketEvent
    label: str
    status: str


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


@staff_page
def ticket_inbox(request: HttpRequest) -> HttpResponse:
    """A department's inbox, or the tickets of a worker's places: overdue first, then by deadline."""
    user = user_with(request, Capability.VIEW_TICKETS)
    page = paginate(request, inbox_in_order(user, now=timezone.now()), INBOX_PAGE)
    return render(request, "web/tickets/inbox.html", {"page": page, "is_department": user.department_id is not None})


@staff_page
def ticket_export(request: HttpRequest) -> HttpResponse:
    """The inbox as an Excel file (limited and audited by the service)."""
    user = user_with(request, Capability.VIEW_TICKETS)
    content = tickets_export(user=user, tickets=inbox_tickets(user, now=timezone.now()), request=request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download(content, filename=f"tickets-{stamp}.xlsx", content_type=XLSX_CONTENT_TYPE)


def _action_forms(ticket: Ticket, user: User) -> dict[str, forms.Form | None]:
    """The allowed actions, each with its (empty) form, or None when a button is enough."""
    blank: dict[str, Callable[[], forms.Form | None]] = {
        "accept": lambda: None,
        "start": lambda: None,
        "confirm": lambda: None,
        "rating_link": lambda: None,
        "transfer": TransferForm,
        "return": ReturnForm,
        "resolve": ResolveForm,
        "resubmit": ResubmitForm,
    }
    return {action: blank[action]() for action in ticket_actions(ticket, user)}


def _ticket_context(ticket: Ticket, user: User, **extra: Any) -> dict[str, Any]:
    events = [
        TimelineEntry(event, str(ACTION_LABELS.get(event.action, event.action)), _status_label(event.new_status))
        for event in ticket.events.select_related("actor").order_by("at", "pk")
    ]
    return {
        "ticket": ticket,
        "events": events,
        "actions": extra.pop("actions", None) or _action_forms(ticket, user),
        # Only what the links need: a photo's location (exif_location) never reaches a page.
        "photos": ticket.photos.only("pk", "ticket_id", "kind", "uploaded_at"),
        # Department handlers get the address and a masked phone, never the registry file (SECURITY 5).
        "show_registry_link": user.can(Capability.VIEW_REGISTRY),
        **alarm_context(ticket, user),
        **extra,
    }


@staff_page
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.VIEW_TICKETS)
    ticket = ticket_for_user(user, pk)
    context = {**_ticket_context(ticket, user), **similar_context(ticket, user), **classification_context(ticket, user)}
    return render(request, "web/tickets/detail.html", context)


def _run(
    request: HttpRequest, pk: int, action: str, form_class: type[forms.Form] | None, call: Callable[..., Any]
) -> HttpResponse:
    """Parses the action's form, calls the service and goes back to the ticket. A refused form
    shows the ticket again with the errors (422); a domain error (409 when someone acted first)
    its Chinese message with its status. The form carries the version of the ticket it was shown
    with: a ticket changed since is a 409, never acted on unseen (SECURITY.md line 30)."""
    capability = Capability.CONFIRM_TICKETS if action in ("confirm", "resubmit") else Capability.HANDLE_TICKETS
    user = user_with(request, capability)
    ticket = ticket_for_user(user, pk)
    seen = request.POST.get("version", "")
    if seen.isdigit() and int(seen) != ticket.version:
        raise Conflict("ticket_changed", gettext("Someone else changed this just now: refresh the page and try again."))
    form = form_class(request.POST, request.FILES) if form_class else None

    def refused(shown: Ticket) -> HttpResponse:
        actions = _action_forms(shown, user)
        actions[action] = form
        return render(request, "web/tickets/detail.html", _ticket_context(shown, user, actions=actions), status=422)

    if form is not None and not form.is_valid():
        return refused(ticket)
    try:
        # One transaction with what the action stores alongside (the result's photos): a photo
        # the service refuses leaves the ticket as it was.
        with transaction.atomic():
            call(ticket=ticket, user=user, data=form.cleaned_data if form else {}, request=request)
    except InvalidInput as error:
        if form is None or error.code not in PHOTO_ERRORS:
            raise
        _photo_error(form, error)
        # Read again: the transition refreshed the object before the rollback undid it.
        return refused(ticket_for_user(user, pk))
    messages.success(request, gettext("Done."))
    return redirect("web:ticket_detail", pk=ticket.pk)


def _action_view(
    action: str, form_class: type[forms.Form] | None, call: Callable[..., Any]
) -> Callable[..., HttpResponse]:
    @staff_page
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _run(request, pk, action, form_class, call)

    view.__name__ = f"ticket_{action}"
    return view


ticket_accept = _action_view(
    "accept",
    None,
    lambda ticket, user, data, request: services.ticket_accept(ticket=ticket, user=user, request=request),
)
ticket_start = _action_view(
    "start", None, lambda ticket, user, data, request: services.ticket_start(ticket=ticket, user=user, request=request)
)
ticket_transfer = _action_view(
    "transfer",
    TransferForm,
    lambda ticket, user, data, request: services.ticket_transfer(
        ticket=ticket, user=user, department=data["department"], reason=data["reason"], request=request
    ),
)
ticket_return = _action_view(
    "return",
    ReturnForm,
    lambda ticket, user, data, request: services.ticket_return(
        ticket=ticket, user=user, reason=data["reason"], request=request
    ),
)


def _resolve(ticket: Ticket, user: User, data: dict[str, Any], request: HttpRequest) -> None:
    # _run holds both in one transaction: a refused photo undoes the resolution too.
    services.ticket_resolve(ticket=ticket, user=user, note=data["note"], request=request)
    services.ticket_photos_add(ticket=ticket, user=user, raws=_photo_bytes(data), kind=PhotoKind.RESOLUTION)


ticket_resolve = _action_view("resolve", ResolveForm, _resolve)
ticket_confirm = _action_view(
    "confirm",
    None,
    lambda ticket, user, data, request: services.ticket_confirm(ticket=ticket, user=user, request=request),
)


@staff_page
@require_POST
def ticket_rating_link(request: HttpRequest, pk: int) -> HttpResponse:
    """At the door: a fresh one-time rating link, shown once as a QR code for the resident to scan."""
    user = user_with(request, Capability.CONFIRM_TICKETS)
    ticket = ticket_for_user(user, pk)
    token = services.rating_link_for_resident(ticket=ticket, user=user, request=request)
    link = request.build_absolute_uri(reverse("public:rate", args=[token]))
    qr = segno.make(link, error="m").svg_data_uri(scale=6, border=2)
    return render(request, "web/tickets/detail.html", _ticket_context(ticket, user, rating_link=link, rating_qr=qr))


ticket_resubmit = _action_view(
    "resubmit",
    ResubmitForm,
    lambda ticket, user, data, request: services.ticket_resubmit(
        ticket=ticket, user=user, addition=data["reason"], request=request
    ),
)


@staff_page
def ticket_new(request: HttpRequest) -> HttpResponse:
    """Staff entry of a phone or walk-in demand, in two steps without scripts: "Suggest" fills in
    the classifier's category; the person keeps it or picks another and creates. The ticket goes
    through intake like a resident's text: the suggestion is kept, an emergency forces P1."""
    user = user_with(request, Capability.CREATE_TICKETS)
    subcategories = list(active_subcategories())
    form = TicketEntryForm(request.POST or None, request.FILES or None, subcategories=subcategories)
    suggested: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = household_for_user(user, data["household"]) if data["household"] else None
        subcategory = form.chosen_subcategory()
        if "suggest" in request.POST or subcategory is None:
            suggested = ranked_codes(data["description"])
            if subcategory is None:
                # Shown selected, not saved: the person confirms it with the create button.
                form = TicketEntryForm(
                    {**request.POST.dict(), "subcategory": suggested[0]}, subcategories=subcategories
                )
                form.is_valid()
        else:
            try:
                # One transaction inside: a photo the service refuses leaves no ticket behind.
                ticket = ticket_from_text(
                    channel=Channel.STAFF,
                    description=data["description"],
                    subcategory=subcategory,
                    priority=data["priority"] or None,
                    household=household,
                    created_by=user,
                    photos=_photo_bytes(data),
                    request=request,
                )
            except DomainError as exc:
                _photo_error(form, exc)
            else:
                messages.success(request, gettext("Ticket #%(pk)s created.") % {"pk": ticket.pk})
                return redirect("web:ticket_detail", pk=ticket.pk)
    status = 422 if request.method == "POST" and form.errors else 200
    context = {"form": form, "suggested": suggested, "photo_limits": PHOTO_LIMITS}
    return render(request, "web/tickets/new.html", context, status=status)


@staff_page
def ticket_photo(request: HttpRequest, pk: int) -> FileResponse:
    """One photo of a ticket the user may see (404 otherwise), served as a download with its
    stored type and nosniff (SECURITY.md line 26), so a browser never renders an upload as a page
    of this site; an <img> shows it all the same. The file was re-encoded without metadata when
    stored, so its location is not in it."""
    user = user_with(request, Capability.VIEW_TICKETS)
    photo = ticket_photo_for_user(user, pk)
    extension = photo.stored_name.rsplit(".", 1)[-1]
    response = FileResponse(
        services.ticket_photo_path(photo).open("rb"),
        content_type=photo.content_type,
        as_attachment=True,
        filename=f"ticket-{photo.ticket_id}-{photo.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _spot_check_page(request: HttpRequest, user: User, form: SpotCheckForm, status: int = 200) -> HttpResponse:
    checks = list(spot_checks_pending(user)[:SPOT_CHECK_PAGE])
    return render(request, "web/tickets/spot_checks.html", {"checks": checks, "form": form}, status=status)


@staff_page
def spot_check_queue(request: HttpRequest) -> HttpResponse:
    return _spot_check_page(request, user_with(request, Capability.SPOT_CHECK), SpotCheckForm())


@staff_page
@require_POST
def spot_check_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.SPOT_CHECK)
    check = spot_check_for_user(user, pk)
    form = SpotCheckForm(request.POST)
    if not form.is_valid():
        return _spot_check_page(request, user, form, status=422)
    services.spot_check_record(
        check=check, user=user, result=form.cleaned_data["result"], note=form.cleaned_data["note"]
    )
    messages.success(request, gettext("Spot check recorded."))
    return redirect("web:spot_check_queue")


@staff_page
def notification_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = paginate(request, notifications_for_user(user).select_related("ticket"), NOTIFICATIONS_PAGE)
    return render(request, "web/tickets/notifications.html", {"page": page})


@staff_page
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(user=current_user(request))
    return redirect("web:notifications")
