"""/open311/v2/: each GeoReport method under `<method>.json` and `<method>.xml`.

The format is part of each route rather than a path parameter, so that a route names only the
records it reads (the scope sweep walks every route). Whatever else is asked under /open311/v2/
(requests.yaml, services.csv, a method that does not exist, the bare prefix) falls through to the
last two routes, which answer a GeoReport 404 instead of Django's HTML page.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from qiaomen.open311 import views
from qiaomen.open311.render import FORMATS

app_name = "open311"

_METHODS = [
    ("discovery", views.discovery, "discovery"),
    ("services", views.services, "services"),
    ("services/<str:service_code>", views.service_definition, "service_definition"),
    ("requests", views.requests, "requests"),
    ("requests/<int:service_request_id>", views.request_detail, "request"),
    ("tokens/<str:token_id>", views.token, "token"),
]

urlpatterns: list[URLPattern] = [
    *(
        path(f"{route}.{fmt}", view, {"fmt": fmt}, name=f"{name}_{fmt}")
        for route, view, name in _METHODS
        for fmt in FORMATS
    ),
    path("", views.unknown, name="unknown_root"),
    path("<path:rest>", views.unknown, name="unknown"),
]
