"""Rights-request pages: the list with deadlines, receiving one from a person card, carrying it out.

Requests are fetched only through the scoped selectors (a household outside the user's places is
a 404); the role is checked before any lookup. Every step is a service call that records its
history and audit row; these views parse the form and render.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.core.errors import DomainError, InvalidInput
from qiaomen.core.spreadsheets import XLSX_CONTENT_TYPE
from qiaomen.registry.models import RightsChannel, RightsKind, RightsRequest, RightsStatus
from qiaomen.registry.person_edit import EDITABLE_FIELDS
from qiaomen.registry.selectors import person_for_user, persons_for_user
from qiaomen.registry.services import person_view_record
from qiaomen.tickets.rights.erasure import rights_request_erase
from qiaomen.tickets.rights.export import rights_request_export
from qiaomen.tickets.rights.requests import (
    rights_request_correct,
    rights_request_identify,
    rights_request_receive,
    rights_request_refuse,
    rights_request_see_done,
    rights_request_start,
)
from qiaomen.tickets.rights.selectors import (
    HANDLE_RIGHTS,
    rights_request_exported,
    rights_request_for_user,
    rights_request_history,
    rights_request_overdue,
    rights_request_rows,
)
from qiaomen.web.rights.forms import (
    CorrectForm,
    EraseForm,
    IdentifyForm,
    OutcomeForm,
    RefuseForm,
    RightsReceiveForm,
)
from qiaomen.web.shared.views import download, staff_page, user_with

# The history's steps in words (the services name them by action).
STEP_WORDS = {
    "receive": _("received"),
    "identify": _("person chosen"),
    "start": _("handling started"),
    "export": _("export downloaded"),
    "done": _("done"),
    "refuse": _("refused"),
}


@staff_page
def rights_list(request: HttpRequest) -> HttpResponse:
    user = user_with(request, HANDLE_RIGHTS)
    rows = rights_request_rows(user, now=timezone.now())
    return render(request, "web/rights/list.html", {"rows": rows})


@staff_page
@require_http_methods(["GET", "POST"])
def rights_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """A request a resident made in person or by phone, recorded from their person card."""
    user = user_with(request, HANDLE_RIGHTS)
    person = person_for_user(user, pk)
    form = RightsReceiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert person.household is not None  # person_for_user reaches people through their household
        row, _ = rights_request_receive(
            household=person.household,
            person=person,
            kind=form.cleaned_data["kind"],
            channel=RightsChannel.STAFF,
            text=form.cleaned_data["text"],
            received_by=user,
            request=request,
        )
        return redirect("web:rights_detail", pk=row.pk)
    status = 422 if form.errors else 200
    return render(request, "web/rights/receive.html", {"person": person, "form": form}, status=status)


def _members(request: HttpRequest, row: RightsRequest) -> IdentifyForm:
    user = user_with(request, HANDLE_RIGHTS)
    members = persons_for_user(user).filter(household=row.household).order_by("pk")
    return IdentifyForm(request.POST or None, members=members)


def _detail(request: HttpRequest, row: RightsRequest, *, status: int = 200, **forms: object) -> HttpResponse:
    person = row.person
    context = {
        "row": row,
        "overdue": rights_request_overdue(row, now=timezone.now()),
        "steps": [(step, STEP_WORDS.get(step.action, step.action)) for step in rights_request_history(row)],
        "exported": rights_request_exported(row),
        "identify_form": forms.get("identify_form") or _members(request, row),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(),
        "erase_form": forms.get("erase_form") or EraseForm(initial={"version": person.version if person else 0}),
        "kinds": RightsKind,
        "statuses": RightsStatus,
    }
    return render(request, "web/rights/detail.html", context, status=status)


@staff_page
def rights_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = rights_request_for_user(user_with(request, HANDLE_RIGHTS), pk)
    return _detail(request, row)


def _step(request: HttpRequest, pk: int, act: Callable[[RightsRequest], object]) -> HttpResponse:
    row = rights_request_for_user(user_with(request, HANDLE_RIGHTS), pk)
    act(row)
    return redirect("web:rights_detail", pk=pk)


@staff_page
@require_POST
def rights_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, HANDLE_RIGHTS)
    return _step(request, pk, lambda row: rights_request_start(rights_request=row, user=user, request=request))


@staff_page
@require_POST
def rights_identify(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, HANDLE_RIGHTS)
    row = rights_request_for_user(user, pk)
    form = _members(request, row)
    if not form.is_valid():
        return _detail(request, row, status=422, identify_form=form)
    rights_request_identify(rights_request=row, person=form.cleaned_data["person"], user=user, request=request)
    return redirect("web:rights_detail", pk=pk)


@staff_page
@require_POST
def rights_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, HANDLE_RIGHTS)
    row = rights_request_for_user(user, pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        return _detail(request, row, status=422, refuse_form=form)
    rights_request_refuse(rights_request=row, user=user, reason=form.cleaned_data["reason"], request=request)
    return redirect("web:rights_detail", pk=pk)


@staff_page
@require_POST
def rights_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's data as an xlsx download: never cached, one audit row per download."""
    user = user_with(request, HANDLE_RIGHTS)
    row, content = rights_request_export(rights_request=rights_request_for_user(user, pk), user=user, request=request)
    return download(content, filename=f"rights-request-{row.pk}.xlsx", content_type=XLSX_CONTENT_TYPE)


@staff_page
@require_POST
def rights_see_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, HANDLE_RIGHTS)
    form = OutcomeForm(request.POST)
    if not form.is_valid():  # e.g. too long: said, not dropped while the request closes
        return _detail(request, rights_request_for_user(user, pk), status=422, outcome_form=form)
    outcome = form.cleaned_data["outcome"]
    return _step(
        request,
        pk,
        lambda row: rights_request_see_done(rights_request=row, user=user, outcome=outcome, request=request),
    )


@staff_page
@require_http_methods(["GET", "POST"])
def rights_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's correctable fields; saving applies the correction and closes the request."""
    user = user_with(request, HANDLE_RIGHTS)
    row = rights_request_for_user(user, pk)
    person = row.person
    if request.method == "GET" or person is None:
        form = None
        if person is not None:
            person_view_record(user=user, person=person, request=request)  # the form shows their notes
            form = CorrectForm.for_person(person)
        return render(request, "web/rights/correct.html", {"row": row, "form": form})
    form = CorrectForm(request.POST)
    if form.is_valid():
        try:
            rights_request_correct(
                rights_request=row,
                user=user,
                person_version=form.cleaned_data["version"],
                values=form.values(),
                request=request,
            )
            return redirect("web:rights_detail", pk=pk)
        except InvalidInput as exc:
            field = exc.details.get("field")
            form.add_error(field if field in EDITABLE_FIELDS else None, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "web/rights/correct.html", {"row": row, "form": form}, status=422)


@staff_page
@require_POST
def rights_erase(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, HANDLE_RIGHTS)
    row = rights_request_for_user(user, pk)
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _detail(request, row, status=422, erase_form=form)
    rights_request_erase(rights_request=row, user=user, person_version=form.cleaned_data["version"], request=request)
    return redirect("web:rights_detail", pk=pk)
