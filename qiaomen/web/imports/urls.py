"""The import pages, included by qiaomen/web/urls.py under imports/ (names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.imports import views

urlpatterns: list[URLPattern] = [
    path("", views.import_upload_view, name="import_upload"),
    path("<int:pk>/", views.import_preview, name="import_preview"),
    path("<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/result/", views.import_result, name="import_result"),
    path("<int:pk>/rejected-rows/", views.import_rejects, name="import_rejects"),
    path("conflicts/", views.import_conflicts, name="import_conflicts"),
    path("conflicts/<int:pk>/resolve/", views.import_conflict_resolve, name="import_conflict_resolve"),
]
