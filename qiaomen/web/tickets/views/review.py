"""The classifier's review queue and the correction form on a ticket.

Community staff and street admins (CLASSIFY_TICKETS) see the demands of their places that the
classifier was unsure of (status NEW), with its suggestion: sub-category, confidence, the words
that weighed most, emergency signals. They confirm or correct it; intake.ticket_classify keeps
the decision as training data and routes the ticket. The same form sits on a routed ticket's
page until a handler accepts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import InvalidInput
from qiaomen.tickets.models import Priority, Subcategory, Ticket
from qiaomen.tickets.selectors import active_subcategories, ticket_for_user
from qiaomen.tickets.services import intake
from qiaomen.web.shared.forms import subcategory_choices
from qiaomen.web.shared.views import paginate, staff_page, user_with

REVIEW_PAGE = 30


class ClassifyForm(forms.Form):
    subcategory = forms.ChoiceField(label=_("sub-category"))
    priority = forms.ChoiceField(label=_("priority"), choices=Priority.choices)

    def __init__(self, *args: Any, subcategories: list[Subcategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subcategories = {sub.code: sub for sub in subcategories}
        # Grouped by category as on the entry page, without its "let the words decide" choice.
        self.fields["subcategory"].choices = subcategory_choices(subcategories)[1:]  # type: ignore[attr-defined]

    def chosen(self) -> Subcategory:
        return self.subcategories[self.cleaned_data["subcategory"]]


@dataclass(frozen=True)
class SuggestionView:
    """Ticket.suggestion as a page shows it: names for codes, a percentage."""

    code: str
    name: str
    confidence: int  # percent
    words: list[str]
    emergency: list[str]
    alternatives: list[tuple[str, str, int]]  # code, name, percent


def suggestion_view(ticket: Ticket, names: dict[str, str]) -> SuggestionView | None:
    data = ticket.suggestion or {}
    if not data.get("code"):
        return None
    alternatives = []
    for pair in data.get("alternatives") or []:
        if isinstance(pair, list | tuple) and len(pair) == 2:
            alternatives.append((str(pair[0]), names.get(str(pair[0]), ""), round(float(pair[1]) * 100)))
    return SuggestionView(
        code=str(data["code"]),
        name=names.get(str(data["code"]), ""),
        confidence=round(float(data.get("confidence") or 0) * 100),
        words=[str(word) for word in data.get("words") or []],
        emergency=[str(word) for word in data.get("emergency") or []],
        alternatives=alternatives,
    )


def _form_for(ticket: Ticket, subcategories: list[Subcategory], data: Any = None) -> ClassifyForm:
    initial = {"subcategory": ticket.subcategory.code, "priority": ticket.priority}
    return ClassifyForm(data, initial=initial, subcategories=subcategories, prefix=f"t{ticket.pk}")


def classification_context(ticket: Ticket, user: User) -> dict[str, Any]:
    """What the ticket page shows of the classifier: its suggestion to everyone who sees the
    ticket, and the correction form to those who may still decide it."""
    subcategories = list(active_subcategories())
    names = {sub.code: sub.name for sub in subcategories}
    correctable = intake.may_correct(user, ticket)
    return {
        "suggestion": suggestion_view(ticket, names),
        "classify_form": _form_for(ticket, subcategories) if correctable else None,
    }


@dataclass(frozen=True)
class ReviewRow:
    ticket: Ticket
    suggestion: SuggestionView | None
    form: ClassifyForm


@staff_page
def review_queue(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.CLASSIFY_TICKETS)
    subcategories = list(active_subcategories())
    names = {sub.code: sub.name for sub in subcategories}
    page = paginate(request, intake.tickets_to_review(user), REVIEW_PAGE)
    rows = [ReviewRow(ticket, suggestion_view(ticket, names), _form_for(ticket, subcategories)) for ticket in page]
    return render(request, "web/tickets/review_queue.html", {"page": page, "rows": rows})


@staff_page
@require_POST
def ticket_classify(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or correct: from the review queue (back to the queue) or from the ticket's page."""
    user = user_with(request, Capability.CLASSIFY_TICKETS)
    ticket = ticket_for_user(user, pk)
    subcategories = list(active_subcategories())
    form = _form_for(ticket, subcategories, request.POST)
    if not form.is_valid():
        # Only a hand-made request gets here: the form offers nothing else.
        raise InvalidInput("classification_invalid", gettext("Choose a valid category and priority."))
    ticket = intake.ticket_classify(
        ticket=ticket, user=user, subcategory=form.chosen(), priority=form.cleaned_data["priority"], request=request
    )
    messages.success(
        request,
        gettext("Ticket #%(pk)s: %(name)s, routed to %(department)s.")
        % {"pk": ticket.pk, "name": ticket.subcategory.name, "department": ticket.department.name},
    )
    if request.POST.get("back") == "review":
        return redirect("web:ticket_review")
    return redirect("web:ticket_detail", pk=ticket.pk)
