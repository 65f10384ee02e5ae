"""The service menu's pages, included by qiaomen/web/urls.py under menu/ (names in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.menu import views

urlpatterns: list[URLPattern] = [
    path("", views.menu, name="menu"),
    path("entries/new/", views.entry_new, name="menu_entry_new"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="menu_entry_edit"),
    path("entries/<int:pk>/withdraw/", views.entry_withdraw, name="menu_entry_withdraw"),
    path("partners/", views.partners, name="menu_partners"),
    path("partners/new/", views.partner_new, name="menu_partner_new"),
    path("partners/<int:pk>/", views.partner_detail, name="menu_partner"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="menu_partner_edit"),
    path("points/", views.service_points, name="service_points"),
    path("points/new/", views.point_new, name="service_point_new"),
    path("points/<int:pk>/edit/", views.point_edit, name="service_point_edit"),
]
