"""The registry pages, included by qiaomen/web/urls.py under registry/ (names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.registry import corrections, views

urlpatterns: list[URLPattern] = [
    path("", views.registry_search, name="registry_search"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/unmask/", views.person_unmask_view, name="person_unmask"),
    path("corrections/", corrections.phone_corrections, name="phone_corrections"),
    path("corrections/<int:pk>/resolve/", corrections.phone_correction_resolve, name="phone_correction_resolve"),
]
