"""The emergencies pages of R-DEV-2, included by qiaomen/web/urls.py under emergencies/."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.emergencies import incidents, plans

urlpatterns: list[URLPattern] = [
    path("", incidents.incident_list, name="incident_list"),
    path("incidents/new/", incidents.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/acknowledge/", incidents.incident_acknowledge_view, name="incident_acknowledge"),
    path("incidents/<int:pk>/close/", incidents.incident_close_view, name="incident_close"),
    path("incidents/<int:pk>/pause/", incidents.incident_pause_view, name="incident_pause"),
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/activate/", plans.plan_activate_view, name="plan_activate"),
    path("activations/<int:pk>/", plans.activation_detail, name="activation_detail"),
    path("activations/<int:pk>/end/", plans.activation_end, name="activation_end"),
    path("checks/<int:pk>/", plans.check_record, name="household_check"),
]
