"""The heat map and the wall screen, included by qiaomen/web/urls.py under command/ (names live in
the web namespace). A kiosk link's key is its own credential (<token>), like a rating link's."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.screen import tokens, views

urlpatterns: list[URLPattern] = [
    path("map/", views.command_map, name="command_map"),
    path("screen/", views.command_screen, name="command_screen"),
    path("screen/part/", views.command_screen_part, name="command_screen_part"),
    path("screen/links/", tokens.screen_tokens, name="screen_tokens"),
    path("screen/links/revoke/", tokens.screen_token_revoke_page, name="screen_token_revoke"),
    path("screen/k/<str:token>/", views.command_screen_kiosk, name="command_screen_kiosk"),
    path("screen/k/<str:token>/part/", views.command_screen_kiosk_part, name="command_screen_kiosk_part"),
]
