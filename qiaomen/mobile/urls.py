"""The grid worker's installable app, included at the site root: the app at m/, its manifest,
and its service worker at /sw.js (a worker's scope can only be at or below the folder of its
script, so the script sits at the root and registers for /m/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.mobile import views

app_name = "mobile"
urlpatterns: list[URLPattern] = [
    path("m/", views.app, name="app"),
    path("m/manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
]
