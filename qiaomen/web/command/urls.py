"""The command centre's dashboard, its drill-downs and its trends, included by
qiaomen/web/urls.py under command/ (names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.command import devices, views

urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="command"),
    path("records/", views.records, name="command_records"),
    path("resources/", views.resources, name="command_resources"),
    path("target-trends/", views.trends, name="command_target_trends"),
    path("devices/", devices.device_records, name="command_devices"),
]
