"""The landing page, included by qiaomen/web/urls.py at the site root (names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.home import views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
]
