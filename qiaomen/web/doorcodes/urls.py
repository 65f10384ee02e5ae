"""The door code pages, included by qiaomen/web/urls.py under doorcodes/ (names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.doorcodes import views

urlpatterns: list[URLPattern] = [
    path("", views.doorcode_buildings, name="doorcode_buildings"),
    path("buildings/<int:pk>/", views.doorcode_building, name="doorcode_building"),
    path("buildings/<int:pk>/stickers/", views.doorcode_stickers, name="doorcode_stickers"),
    path("households/<int:pk>/", views.doorcode_household, name="doorcode_household"),
]
