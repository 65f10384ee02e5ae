"""The reports page, included by qiaomen/web/urls.py under command/reports/ (names in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.reports import views

urlpatterns: list[URLPattern] = [
    path("", views.reports_page, name="command_reports"),
    path("download/", views.report_download, name="command_report_download"),
    # A kept bulletin, by its own pk.
    path("<int:pk>/", views.kept_report, name="command_report_kept"),
]
