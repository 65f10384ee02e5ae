"""The service menu on a household's QR page (/q/<token>/menu): the services offered to its place,
and a request for one, which becomes a ticket for the partner's handling department
(participation.menu.requests). Same rules as the demand form: the code's own household only, the
same per-code and per-IP limits, no name or address shown, one ticket per form load."""

from __future__ import annotations

import uuid

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qiaomen.core.audit import client_ip
from qiaomen.core.errors import DomainError
from qiaomen.core.ratelimits import limit_hit, limit_reached
from qiaomen.participation.menu.requests import MAX_NOTE, MenuAsk, entries_for_door_code, menu_request_submit
from qiaomen.participation.menu.selectors import menu_sections
from qiaomen.public.forms import ResidentContactForm
from qiaomen.public.views import _code_limits, _door_code, _ip_limits, _message
from qiaomen.registry.models import DoorCode


class MenuAskForm(ResidentContactForm):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Anything the service should know (optional)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_NOTE}),
        error_messages={"max_length": _("Please keep it shorter.")},
    )


def _page(request: HttpRequest, code: DoorCode, form: MenuAskForm | None, *, status: int = 200) -> HttpResponse:
    entries = entries_for_door_code(code)
    asked = form.data.get("entry") if form is not None and form.is_bound else None
    context = {
        "street": code.household.building.grid.community.street.name,
        "sections": menu_sections(entries, at=timezone.now()),
        "form": form,
        "asked": str(asked or ""),
        "submission_id": uuid.uuid4(),
        "sent": request.GET.get("sent") == "1",
    }
    return render(request, "public/menu.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def door_menu(request: HttpRequest, token: str) -> HttpResponse:
    code = _door_code(request, token)
    if isinstance(code, HttpResponse):
        return code
    if request.method != "POST":
        return _page(request, code, None)
    form = MenuAskForm(request.POST)
    if not form.is_valid():
        return _page(request, code, form, status=422)
    data = form.cleaned_data
    if limit_reached(request, group="qr-submit-code", key=str(code.pk), limits=_code_limits()) or limit_reached(
        request, group="qr-submit-ip", key=client_ip(request), limits=_ip_limits()
    ):
        return _message(
            request,
            gettext("Many demands were sent from here recently. Please try again later or call your community office."),
            429,
        )
    ask = MenuAsk(
        entry_pk=data["entry"],
        submission_id=data["submission_id"],
        note=data["note"],
        callback_phone=data["callback_phone"],
        health_consent=data["health_consent"],
        health_asked=data["health_asked"],
    )
    try:
        _, created = menu_request_submit(code=code, ask=ask, request=request)
    except DomainError as exc:
        if exc.code == "health_consent_needed":
            again = request.POST.copy()
            again["health_asked"] = "1"
            form = MenuAskForm(again)
            form.is_valid()
        form.add_error(None, exc.message)
        return _page(request, code, form, status=exc.status)
    if created:
        limit_hit(request, group="qr-submit-code", key=str(code.pk), limits=_code_limits())
        limit_hit(request, group="qr-submit-ip", key=client_ip(request), limits=_ip_limits())
    return redirect(request.path + "?sent=1")
