"""The door code pages, included by qiaomen/web/urls.py under doorcodes/ (names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.views import doorcodes

urlpatterns: list[URLPattern] = [
    path("", doorcodes.doorcode_buildings, name="doorcode_buildings"),
    path("buildings/<int:pk>/", doorcodes.doorcode_building, name="doorcode_building"),
    path("buildings/<int:pk>/stickers/", doorcodes.doorcode_stickers, name="doorcode_stickers"),
    path("households/<int:pk>/", doorcodes.doorcode_household, name="doorcode_household"),
]
