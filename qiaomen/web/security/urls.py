"""The security admin's pages, included by qiaomen/web/urls.py under security/."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.security import views

urlpatterns: list[URLPattern] = [
    path("locks/", views.lock_list, name="security_locks"),
    path("locks/unlock/", views.lock_unlock, name="security_unlock"),
    path("2fa-reset/", views.twofactor_reset_view, name="security_2fa_reset"),
]
