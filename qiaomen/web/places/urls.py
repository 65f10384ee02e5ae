"""The place tree, included by qiaomen/web/urls.py under places/ (names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.places import views

urlpatterns: list[URLPattern] = [
    path("", views.place_tree, name="place_tree"),
    path("grids/<int:pk>/", views.grid_detail, name="grid_detail"),
]
