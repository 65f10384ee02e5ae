"""The staff pages: each area's urls.py under its prefix. The areas declare no app_name of their
own, so every name lives in the web namespace (web:worklist, web:ticket_detail …)."""

from __future__ import annotations

from django.urls import include, path

app_name = "web"
urlpatterns = [
    path("", include("qiaomen.web.home.urls")),
    path("", include("qiaomen.web.auth.urls")),
    path("registry/", include("qiaomen.web.registry.urls")),
    path("places/", include("qiaomen.web.places.urls")),
    path("audit/", include("qiaomen.web.audit.urls")),
    path("security/", include("qiaomen.web.security.urls")),
    path("imports/", include("qiaomen.web.imports.urls")),
    path("visits/", include("qiaomen.web.visits.urls")),
    path("tickets/", include("qiaomen.web.tickets.urls")),
    path("doorcodes/", include("qiaomen.web.doorcodes.urls")),
    path("rights/", include("qiaomen.web.rights.urls")),
    path("activities/", include("qiaomen.web.activities.urls")),
    path("users/", include("qiaomen.web.users.urls")),
    path("budget/", include("qiaomen.web.budget.urls")),
    path("menu/", include("qiaomen.web.menu.urls")),
    path("command/", include("qiaomen.web.screen.urls")),
    path("command/satisfaction/", include("qiaomen.web.satisfaction.urls")),
    path("command/reports/", include("qiaomen.web.reports.urls")),
    path("command/analysis/", include("qiaomen.web.analysis.urls")),
    path("command/", include("qiaomen.web.command.urls")),
    path("volunteers/", include("qiaomen.web.volunteers.urls")),
    path("emergencies/", include("qiaomen.web.emergencies.urls")),
    path("devices/", include("qiaomen.web.devices.urls")),
]
