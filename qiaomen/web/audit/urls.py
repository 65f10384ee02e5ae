"""The audit log, included by qiaomen/web/urls.py under audit/ (names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.audit import views

urlpatterns: list[URLPattern] = [
    path("", views.audit_log, name="audit_log"),
    path("chain/", views.audit_chain, name="audit_chain"),
]
