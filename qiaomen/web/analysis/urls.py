"""The analysis pages of the command centre, included by qiaomen/web/urls.py under
command/analysis/ (names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.analysis import views

urlpatterns: list[URLPattern] = [
    path("", views.command_trends, name="command_trends"),
    path("forecast/", views.command_forecast, name="command_forecast"),
]
