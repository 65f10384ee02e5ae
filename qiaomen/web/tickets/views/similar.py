"""Similar open demands on a ticket's page, and merging a duplicate (issue 5, item 5).

The ticket page lists the open tickets that may be the same demand (tickets.similar), only those
the user may see, each with how alike the texts are. Users who may merge (MERGE_TICKETS) get a
button per pair that folds the newer ticket into the older one: the older carries the demand,
its deadlines and its history. Refusals (a ticket merged or closed meanwhile: 409; outside the
user's places: 404) come back as the services' Chinese messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import InvalidInput
from qiaomen.tickets.models import OPEN_STATUSES, Ticket
from qiaomen.tickets.selectors import ticket_for_user
from qiaomen.tickets.services.merges import merge_order, ticket_merge, ticket_merge_allowed
from qiaomen.tickets.similar import similar_open_tickets
from qiaomen.web.shared.views import staff_page, user_with


@dataclass(frozen=True)
class SimilarRow:
    ticket: Ticket
    percent: int
    same_building: bool
    # The pair as the merge button would fold it: the newer ticket into the older one.
    duplicate: Ticket
    into: Ticket


def similar_context(ticket: Ticket, user: User) -> dict[str, Any]:
    """What the ticket page's "similar open demands" section shows; nothing for a ticket that is
    no longer open (it cannot be merged, nor can anything be merged into it)."""
    if ticket.status not in OPEN_STATUSES:
        return {"similar": [], "can_merge": False}
    rows = []
    for found in similar_open_tickets(ticket, user=user):
        other = found.ticket
        duplicate, into = merge_order(other, ticket)
        rows.append(SimilarRow(other, round(found.similarity * 100), found.same_building, duplicate, into))
    return {"similar": rows, "can_merge": ticket_merge_allowed(user)}


class MergeForm(forms.Form):
    into = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why they are the same demand"), max_length=500, required=False)


@staff_page
@require_POST
def ticket_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge ticket `pk` (the duplicate) into the ticket posted as `into`; back to the one that
    carries on."""
    user = user_with(request, Capability.MERGE_TICKETS)
    duplicate = ticket_for_user(user, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("merge_form_invalid", gettext("Choose the ticket to merge into."))
    into = ticket_for_user(user, form.cleaned_data["into"])
    ticket_merge(duplicate=duplicate, into=into, user=user, reason=form.cleaned_data["reason"], request=request)
    messages.success(
        request,
        gettext("Ticket #%(duplicate)s was merged into #%(into)s.")
        % {
            "duplicate": duplicate.pk,
            "into": into.pk,
        },
    )
    return redirect("web:ticket_detail", pk=into.pk)
