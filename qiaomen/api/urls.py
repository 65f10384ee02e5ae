"""The JSON API under /api/v1/: one router per domain, assembled here.

Deny by default: every operation needs a Bearer token or a session (API_AUTH) unless it says
otherwise, as only the token endpoint does.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from qiaomen.api import (
    activities,
    alarms,
    auth,
    budget,
    figures,
    incidents,
    meetings,
    menu,
    phone,
    phone_corrections,
    places,
    registry,
    tickets,
    tickets_merge,
    visits,
    volunteers,
)
from qiaomen.api.auth import API_AUTH
from qiaomen.api.errors import install_error_handlers, unmatched
from qiaomen.api.schema_rules import query_pair_as_object


class Utf8JSONRenderer(JSONRenderer):
    """Chinese as UTF-8 (幸福街道), not \\uXXXX escapes: readable in logs and half the bytes."""

    json_dumps_params = {"ensure_ascii": False}


class QiaomenAPI(NinjaAPI):
    """Every API response is `Cache-Control: no-store`, also those without a signed-in user that
    the security middleware would leave alone, such as a freshly issued token (SECURITY.md line 6)."""

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        response = super().create_temporal_response(request)
        response["Cache-Control"] = "no-store"
        return response

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        response["Cache-Control"] = "no-store"
        return response

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        """ninja's document, plus the one rule pydantic cannot state for query parameters: the
        work list's start position is both coordinates or neither (schema_rules)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path, operations in schema["paths"].items():
            if path.endswith("/worklist") and "get" in operations:
                query_pair_as_object(
                    operations["get"],
                    "lat",
                    "lng",
                    name="start",
                    description="where the walk starts: both coordinates or neither (422 position_incomplete)",
                )
        return schema


api = QiaomenAPI(
    title="敲门 Qiaomen API",
    version="1",
    description="Scoped, masked, read-mostly access to the street's places and registry.",
    urls_namespace="api",
    auth=API_AUTH,
    renderer=Utf8JSONRenderer(),
    # Offline: no validator badge fetched from swagger.io; the assets are ninja's bundled ones.
    docs=Swagger(settings={"validatorUrl": None}),
)
install_error_handlers(api)
api.add_router("/auth", auth.router)
api.add_router("/", places.router)
api.add_router("/", registry.router)
api.add_router("/", visits.router)
api.add_router("/", phone.router)
api.add_router("/", phone_corrections.router)
api.add_router("/", tickets.router)
api.add_router("/", tickets_merge.router)
api.add_router("/", alarms.router)
api.add_router("/", figures.router)
api.add_router("/", volunteers.router)
api.add_router("/", budget.router)
api.add_router("/", menu.router)
api.add_router("/", activities.router)
api.add_router("/", meetings.router)
api.add_router("/", incidents.router)
# Keep last: it answers every path that no router above matched.
api.add_router("/", unmatched)
