"""The devices' pages, included by qiaomen/web/urls.py under devices/ (names in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.devices import views

urlpatterns: list[URLPattern] = [
    path("", views.device_list, name="device_list"),
    path("new/", views.device_new, name="device_new"),
    path("<int:pk>/", views.device_detail, name="device_detail"),
    path("<int:pk>/retire/", views.device_retire_view, name="device_retire"),
    path("<int:pk>/acknowledge/", views.device_ack_view, name="device_ack"),
    path("<int:pk>/on-site/", views.device_on_site_view, name="device_on_site"),
]
