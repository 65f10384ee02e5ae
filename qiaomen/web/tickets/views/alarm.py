"""The alarm part of a device alarm ticket's page: the device, the acknowledgement ladder (started,
current rung, next due time, who each rung told, who acknowledged and arrived, when), the
Acknowledge and Arrived-on-site buttons, and for whoever holds the alarm the household's contacts
and care notes, masked, each shown in full on request with a reason.

Who sees the alarm and may press the buttons is the device page's rule (`ticket_alarm_for_user`:
VIEW_DEVICES and the device in the user's places); who gets the contacts is the devices domain's
rule (`alarm_contacts`). A second acknowledgement is the service's Conflict, shown in Chinese
with its 409 by `staff_page`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.devices.acknowledgements import ack_acknowledge, ack_on_site
from qiaomen.devices.alarms import alarm_ladder
from qiaomen.devices.contacts import REVEALABLE, alarm_contact_reveal, alarm_contacts
from qiaomen.devices.scope import alarm_for_user, ticket_alarm_for_user
from qiaomen.tickets.models import Ticket
from qiaomen.tickets.selectors import ticket_for_user
from qiaomen.web.devices.forms import AckForm
from qiaomen.web.shared.forms import reveal_attempt
from qiaomen.web.shared.views import is_htmx, staff_page, user_with


class RevealForm(forms.Form):
    """The reason is checked by the service, which also logs the attempt."""

    person = forms.IntegerField(min_value=1)
    field = forms.ChoiceField(choices=[(name, name) for name in REVEALABLE])
    reason = forms.CharField(required=False, max_length=200)


def alarm_context(ticket: Ticket, user: User) -> dict[str, Any]:
    """What the ticket page shows of the alarm: nothing for a ticket no alarm opened, or for a
    user who does not see its device (a department handler)."""
    ack = ticket_alarm_for_user(user, ticket.pk) if user.can(Capability.VIEW_DEVICES) else None
    if ack is None:
        return {"alarm": None}
    steps = alarm_ladder(ack)
    return {"alarm": ack, "alarm_steps": steps, "alarm_contacts": alarm_contacts(user=user, ack=ack, steps=steps)}


def _ack_post(request: HttpRequest, pk: int, *, arrived: bool) -> HttpResponse:
    user = user_with(request, Capability.VIEW_DEVICES)
    ticket = ticket_for_user(user, pk)
    ack = alarm_for_user(user, ticket.pk)
    form = AckForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("The page was out of date: refresh it and try again."))
        return redirect("web:ticket_detail", pk=ticket.pk)
    ack.version = form.cleaned_data["version"]  # the version the page showed: a change since is a Conflict
    if arrived:
        ack_on_site(ack=ack, user=user)
        messages.success(request, gettext("Arrival on site recorded."))
    else:
        ack_acknowledge(ack=ack, user=user)
        messages.success(request, gettext("Alarm acknowledged."))
    return redirect("web:ticket_detail", pk=ticket.pk)


@staff_page
@require_POST
def ticket_alarm_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _ack_post(request, pk, arrived=False)


@staff_page
@require_POST
def ticket_alarm_on_site(request: HttpRequest, pk: int) -> HttpResponse:
    return _ack_post(request, pk, arrived=True)


@staff_page
@require_POST
def ticket_alarm_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """One full phone or care notes, once. htmx swaps the fragment in place; without JS a page shows it."""
    user = user_with(request, Capability.VIEW_DEVICES)
    ticket = ticket_for_user(user, pk)
    ack = alarm_for_user(user, ticket.pk)
    form = RevealForm(request.POST)
    value, status = reveal_attempt(
        form,
        lambda data: alarm_contact_reveal(
            user=user, ack=ack, person_id=data["person"], field=data["field"], reason=data["reason"], request=request
        ),
    )
    field = str(form.data.get("field", ""))
    # Only a person of the household the holder may see is named back (the service decided above).
    contacts = alarm_contacts(user=user, ack=ack)
    chosen = form.cleaned_data.get("person") if hasattr(form, "cleaned_data") else None
    row = next((row for row in contacts.people if row.person.pk == chosen), None) if contacts else None
    context = {
        "ticket": ticket,
        "row": row,
        "field": field,
        "label": _field_label(field),
        "form": form,
        "value": value,
    }
    template = "web/tickets/_alarm_reveal.html" if is_htmx(request) else "web/tickets/alarm_reveal.html"
    return render(request, template, context, status=status)


def _field_label(field: str) -> str:
    return gettext("care notes") if field == "care_notes" else gettext("phone number")
