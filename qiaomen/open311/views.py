"""The GeoReport v2 methods as plain Django views; each answers `.json` and `.xml` (urls.py).

Who may call what, as the specification says:
- discovery, services, service definitions, tokens, GET requests and GET requests/{id}:
  anyone, without an api_key. GET requests answers public, non-personal fields only, except
  to the key that created a request (reads.py says what each reads). A key that is sent must
  be live (403 otherwise), so a client with a revoked key hears so rather than reading less;
- POST requests: a live api_key (403 otherwise), at most settings.OPEN311_POSTS_PER_MINUTE
  per key per minute (429 past that);
- any other path under /open311/v2/ (an unknown method or format, requests.yaml): a
  GeoReport 404, in XML when the path ends in .xml, else in JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from qiaomen.core.middleware import is_database_busy
from qiaomen.core.models import AuditEntry
from qiaomen.core.ratelimits import Limit, limit_hit, limit_reached
from qiaomen.open311.keys import open311_key_for, presented_key
from qiaomen.open311.models import Open311Key
from qiaomen.open311.reads import request_document, request_find, requests_find, service_notice
from qiaomen.open311.render import MIME_TYPES, Open311Error, error_response, respond
from qiaomen.open311.requests import (
    CONSENT_VALUES,
    HEALTH_CONSENT,
    HEALTH_SERVICES,
    PRIORITY_WORDS,
    open311_request_create,
    parse_new_request,
    street_for,
    subcategory_for,
)
from qiaomen.places.models import Street
from qiaomen.tickets.models import Subcategory
from qiaomen.tickets.selectors import active_subcategories

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint's documents last changed shape; a later taxonomy edit moves the changeset on.
RELEASED = "2026-11-29 00:00"

View = Callable[..., HttpResponse]


def open311_view(*methods: str) -> Callable[[View], View]:
    """A GeoReport method: only `methods`, no CSRF token (clients are other systems sending
    form posts with an api_key, never a browser session), errors in the requested format."""

    def decorate(func: View) -> View:
        @csrf_exempt
        @wraps(func)
        def view(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                error = Open311Error.one(
                    405,
                    "method_not_allowed",
                    _("This address accepts only %(methods)s requests.") % {"methods": ", ".join(methods)},
                )
                response = error_response(fmt, error)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return func(request, fmt, **kwargs)
            except Open311Error as error:
                response = error_response(fmt, error)
                if error.status == 429:
                    response["Retry-After"] = "60"
                return response
            except OperationalError as exc:
                # A locked SQLite database: the client retries, reading a GeoReport error rather
                # than the HTML page the middleware gives browsers (core.middleware).
                if not is_database_busy(exc):
                    raise
                response = error_response(
                    fmt, Open311Error.one(503, "database_busy", _("The system is busy; try again later."))
                )
                response["Retry-After"] = "5"
                return response

        return view

    return decorate


def _params(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else request.GET


def _jurisdiction(request: HttpRequest, key: Open311Key | None = None) -> Street | None:
    return street_for(key, _params(request).get("jurisdiction_id", ""))


def _required_key(request: HttpRequest) -> Open311Key:
    key = open311_key_for(request)
    if key is None:
        raise Open311Error.one(403, "api_key_invalid", _("The api_key is missing, invalid or revoked."))
    return key


def _optional_key(request: HttpRequest) -> Open311Key | None:
    """Reads need no key; one that is sent must work."""
    return _required_key(request) if presented_key(request) else None


def _changeset() -> str:
    edited = AuditEntry.objects.filter(action="taxonomy.update").order_by("-at").values_list("at", flat=True).first()
    return max(RELEASED, f"{timezone.localtime(edited):%Y-%m-%d %H:%M}") if edited else RELEASED


@open311_view("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    changeset = _changeset()
    streets = "、".join(Street.objects.order_by("code").values_list("name", flat=True)) or "本街道"
    base = request.build_absolute_uri(reverse("open311:discovery_json")).removesuffix("/discovery.json")
    document = {
        "changeset": changeset,
        "contact": f"{streets}办事处：请联系街道的系统管理员",
        "key_service": "api_key 由街道系统管理员签发（manage.py open311_key create 客户端名称），只显示一次",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": changeset,
                "type": "production" if settings.PRODUCTION else "test",
                "formats": [MIME_TYPES["xml"], MIME_TYPES["json"]],
            }
        ],
    }
    return respond(fmt, "discovery", document)


def _service(subcategory: Subcategory) -> dict[str, Any]:
    return {
        "service_code": subcategory.code,
        "service_name": subcategory.name,
        "description": (
            f"{subcategory.category.name} · {subcategory.name}：由{subcategory.department.name}办理，"
            f"{PRIORITY_WORDS.get(subcategory.default_priority, subcategory.default_priority)}"
        ),
        "metadata": subcategory.code in HEALTH_SERVICES,
        "type": "realtime",
        "keywords": ", ".join(subcategory.keywords.split()),
        "group": subcategory.category.name,
    }


@open311_view("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    return respond(fmt, "services", [_service(s) for s in active_subcategories().order_by("code")])


def _attributes(service_code: str) -> list[dict[str, Any]]:
    if service_code not in HEALTH_SERVICES:
        return []
    return [
        {
            "variable": True,
            "code": HEALTH_CONSENT,
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": "yes 或 no",
            "order": 1,
            "description": "是否同意街道保存本诉求中的健康信息，仅用于办理本诉求（个人信息保护法第二十八、二十九条）",
            "values": [{"key": key, "name": name} for key, name in CONSENT_VALUES.items()],
        }
    ]


@open311_view("GET")
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    _jurisdiction(request)
    subcategory = subcategory_for(service_code)
    document = {"service_code": subcategory.code, "attributes": _attributes(subcategory.code)}
    return respond(fmt, "service_definition", document)


@open311_view("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "GET":
        key = _optional_key(request)
        found = requests_find(street=_jurisdiction(request, key), key=key, params=request.GET)
        return respond(fmt, "service_requests", [request_document(ticket, key=key) for ticket in found])
    key = _required_key(request)
    street = _jurisdiction(request, key)
    # Requests created per key and minute, counted in the shared cache (every worker sees them).
    per_minute = [Limit(settings.OPEN311_POSTS_PER_MINUTE, 60)]
    if limit_reached(request, group="open311-posts", key=str(key.pk), limits=per_minute):
        raise Open311Error.one(429, "rate_limited", _("Too many submissions; try again in a minute."))
    created = open311_request_create(key=key, new=parse_new_request(request.POST), street=street, request=request)
    limit_hit(request, group="open311-posts", key=str(key.pk), limits=per_minute)
    document = [
        {
            "service_request_id": created.ticket_id,
            "service_notice": service_notice(created.ticket),
            "account_id": created.account_id or None,
        }
    ]
    return respond(fmt, "service_requests", document, status=201)


@open311_view("GET")
def request_detail(request: HttpRequest, fmt: str, service_request_id: int) -> HttpResponse:
    key = _optional_key(request)
    ticket = request_find(street=_jurisdiction(request, key), key=key, service_request_id=service_request_id)
    if ticket is None:
        # The same answer for another street's request and for one that does not exist.
        raise Open311Error.one(
            404,
            "service_request_not_found",
            _("No request has the number %(number)s.") % {"number": service_request_id},
        )
    return respond(fmt, "service_requests", [request_document(ticket, key=key)])


@open311_view("GET")
def token(request: HttpRequest, fmt: str, token_id: str) -> HttpResponse:
    """Every service is `realtime`: POST requests answers the service_request_id at once and no
    token is ever issued, so every token is unknown (404, as the specification says)."""
    _jurisdiction(request)
    raise Open311Error.one(
        404, "token_not_found", _("Token not found: this system creates requests at once and issues no tokens.")
    )


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under /open311/v2/: a GeoReport 404 rather than Django's HTML page, in the
    format the path asks for when we speak it (…/foo.xml), else JSON."""
    fmt = "xml" if rest.endswith(".xml") else "json"
    methods = "discovery、services、services/{service_code}、requests、requests/{id}、tokens/{id}"
    message = _("No such address: the GeoReport methods are %(methods)s, as .json or .xml.") % {"methods": methods}
    return error_response(fmt, Open311Error.one(404, "not_found", message))
