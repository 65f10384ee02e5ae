"""The public budget disclosures, included by qiaomen/public/urls.py under disclosures/ (names in
the public namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.public.budget import views

urlpatterns: list[URLPattern] = [
    path("", views.budget_disclosures, name="budget_disclosures"),
    path("<int:disclosure_id>/", views.budget_disclosure, name="budget_disclosure"),
    path("<int:disclosure_id>/pdf", views.budget_disclosure_pdf, name="budget_disclosure_pdf"),
]
