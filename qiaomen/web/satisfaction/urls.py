"""Included by qiaomen/web/urls.py under command/satisfaction/ (the name lives in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.satisfaction import views

urlpatterns: list[URLPattern] = [
    path("", views.satisfaction_page, name="command_satisfaction"),
]
