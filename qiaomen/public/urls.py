"""Resident pages without login, included by qiaomen/urls.py under r/."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.public import views

app_name = "public"
urlpatterns: list[URLPattern] = [
    path("<str:token>/", views.rate, name="rate"),
]
