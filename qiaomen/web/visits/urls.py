"""The door-knocking pages, included by qiaomen/web/urls.py under visits/ (names live in the web namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.web.visits.views import coverage, planning, worklist

urlpatterns: list[URLPattern] = [
    path("worklist/", worklist.worklist, name="worklist"),
    path("households/<int:pk>/new/", worklist.visit_new, name="visit_new"),
    path("demands/suggest/", worklist.demand_suggest, name="demand_suggest"),
    path("verifications/", worklist.verification_queue, name="verification_queue"),
    path("verifications/<int:pk>/resolve/", worklist.verification_resolve_view, name="verification_resolve"),
    path("calendar/", planning.visit_calendar, name="visit_calendar"),
    path("calendar/buildings/", planning.plan_buildings, name="plan_buildings"),
    path("pauses/", planning.visit_pauses, name="visit_pauses"),
    path("pauses/<int:pk>/lift/", planning.visit_pause_lift_view, name="visit_pause_lift"),
    path("coverage/", coverage.coverage, name="coverage"),
]
