"""The import pages, included by qiaomen/web/urls.py under imports/ (names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.views import imports

urlpatterns: list[URLPattern] = [
    path("", imports.import_upload_view, name="import_upload"),
    path("<int:pk>/", imports.import_preview, name="import_preview"),
    path("<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("<int:pk>/result/", imports.import_result, name="import_result"),
    path("<int:pk>/rejected-rows/", imports.import_rejects, name="import_rejects"),
    path("conflicts/", imports.import_conflicts, name="import_conflicts"),
    path("conflicts/<int:pk>/resolve/", imports.import_conflict_resolve, name="import_conflict_resolve"),
]
