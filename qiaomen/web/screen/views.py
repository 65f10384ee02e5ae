"""The heat map of demands and the wall screen (大屏), for staff and for a kiosk link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from qiaomen.accounts.models import ScreenToken
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.accounts.screens import screen_token_open, screen_token_scope
from qiaomen.analytics.heatmap import demand_heat
from qiaomen.core.audit import client_ip
from qiaomen.core.ratelimits import Limit, limit_hit, limit_reached
from qiaomen.web.screen.figures import map_data, screen_parts, tile_url
from qiaomen.web.screen.forms import HeatFilterForm
from qiaomen.web.shared.views import staff_page, user_with


@staff_page
def command_map(request: HttpRequest) -> HttpResponse:
    """Demands per building and grid of the user's places, by category and period (R-ANA-3)."""
    user = user_with(request, Capability.VIEW_COMMAND_CENTRE)
    form = HeatFilterForm(request.GET)
    context: dict[str, Any] = {"form": form, "heat": None, "tile_url": tile_url()}
    if form.is_valid():
        heat = demand_heat(
            scope=place_scope(user), period=form.cleaned_data["period"], category=form.cleaned_data["category"]
        )
        context |= {"heat": heat, "map": map_data(heat, with_addresses=True)}
    return render(request, "web/screen/map.html", context)


@staff_page
def command_screen(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_COMMAND_CENTRE)
    parts = screen_parts(scope=place_scope(user))
    return _screen(request, "web/screen/screen.html", parts, part_url=reverse("web:command_screen_part"))


@staff_page
def command_screen_part(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_COMMAND_CENTRE)
    parts = screen_parts(scope=place_scope(user))
    return _screen(request, "web/screen/screen_part.html", parts)


@never_cache
def command_screen_kiosk(request: HttpRequest, token: str) -> HttpResponse:
    """The screen through a kiosk link: no account, no session to time out, the street's
    aggregates only. A revoked or expired link is a plain 404 from the next request on."""
    screen = _open(request, token)
    if isinstance(screen, HttpResponse):
        return screen
    parts = screen_parts(scope=screen_token_scope(screen))
    part_url = reverse("web:command_screen_kiosk_part", args=[token])
    return _screen(request, "web/screen/screen.html", parts, part_url=part_url, kiosk=screen)


@never_cache
def command_screen_kiosk_part(request: HttpRequest, token: str) -> HttpResponse:
    screen = _open(request, token)
    if isinstance(screen, HttpResponse):
        # The page reloads itself (htmx obeys HX-Refresh before anything else) and shows the
        # refusal: a screen whose link was revoked goes blank at its next refresh.
        screen["HX-Refresh"] = "true"
        return screen
    parts = screen_parts(scope=screen_token_scope(screen))
    return _screen(request, "web/screen/screen_part.html", parts, kiosk=screen)


def _open(request: HttpRequest, token: str) -> ScreenToken | HttpResponse:
    """The valid link behind `token`, or the refusal to answer with. As for the residents' door
    codes (SECURITY 28), an IP that has missed too often gets 429 on every link, the real ones
    too, so that no answer tells a guesser that a key exists."""
    ip = client_ip(request)
    misses = [Limit(settings.QR_MISSES_PER_IP, settings.QR_MISS_WINDOW_SECONDS)]
    if limit_reached(request, group="screen-miss", key=ip, limits=misses):
        return HttpResponse(status=429, headers={"Retry-After": str(settings.QR_MISS_WINDOW_SECONDS)})
    screen = screen_token_open(key=token)
    if screen is None:
        limit_hit(request, group="screen-miss", key=ip, limits=misses)
        return render(request, "404.html", status=404)
    return screen


def _screen(request: HttpRequest, template: str, parts: dict[str, Any], **extra: Any) -> HttpResponse:
    response = render(request, template, {**parts, "tile_url": tile_url(), **extra})
    # The kiosk key is in the address: no Referer may carry it to a tile server.
    response["Referrer-Policy"] = "no-referrer"
    return response
