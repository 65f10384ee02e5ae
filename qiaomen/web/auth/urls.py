"""Signing in and out, included by qiaomen/web/urls.py at the site root (names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.auth import twofactor, views

urlpatterns: list[URLPattern] = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("login/code/", twofactor.login_code, name="login_code"),
    path("login/enrol/", twofactor.login_enrol, name="login_enrol"),
    path("account/2fa/", twofactor.account_twofactor, name="account_2fa"),
]
