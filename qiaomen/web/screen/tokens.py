"""The street admin's page of wall screen links: issue one (its address shown once), list them,
revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from qiaomen.accounts.roles import Capability
from qiaomen.accounts.screens import screen_streets, screen_token_create, screen_token_revoke, screen_tokens_for_user
from qiaomen.core.errors import InvalidInput
from qiaomen.web.screen.forms import ScreenTokenForm
from qiaomen.web.shared.views import staff_page, user_with


@staff_page
def screen_tokens(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_SCREENS)
    form = ScreenTokenForm(request.POST or None, streets=screen_streets(user=user))
    new_link = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            _, key = screen_token_create(
                user=user, street=data["street"], name=data["name"], days=data["days"], request=request
            )
            # Shown on this answer only: the database keeps a hash, so nobody can show it again.
            new_link = request.build_absolute_uri(reverse("web:command_screen_kiosk", args=[key]))
            form = ScreenTokenForm(streets=screen_streets(user=user))
            status = 201
        else:
            status = 422
    tokens = screen_tokens_for_user(user=user)
    context = {"form": form, "tokens": tokens, "new_link": new_link, "now": timezone.now()}
    return render(request, "web/screen/tokens.html", context, status=status)


@staff_page
@require_POST
def screen_token_revoke_page(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_SCREENS)
    pk = request.POST.get("token", "")
    if not pk.isdigit():
        raise InvalidInput("screen_token_missing", gettext("No such screen link."))
    token = screen_token_revoke(user=user, pk=int(pk), request=request)
    messages.success(request, gettext("The screen link %(name)s is revoked.") % {"name": token.name})
    return redirect("web:screen_tokens")
