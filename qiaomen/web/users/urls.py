"""User management and the password change page, included by qiaomen/web/urls.py under users/
(names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.users import views

urlpatterns: list[URLPattern] = [
    path("", views.user_list, name="user_list"),
    path("new/", views.user_new, name="user_new"),
    path("password/", views.password_change, name="password_change"),
    path("<int:user_id>/", views.user_detail, name="user_detail"),
    path("<int:user_id>/account/", views.user_account, name="user_account"),
    path("<int:user_id>/role/", views.user_role, name="user_role"),
    path("<int:user_id>/disable/", views.user_disable_view, name="user_disable"),
    path("<int:user_id>/enable/", views.user_enable_view, name="user_enable"),
    path("<int:user_id>/password-reset/", views.user_password_reset_view, name="user_password_reset"),
]
