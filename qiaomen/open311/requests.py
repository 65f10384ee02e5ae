"""Open311 service requests: parse a POSTed request, create its ticket, read a key's requests back.

Everything a client sends is checked before anything is written; every problem found is
reported at once (an Open311Error carries a list), and a refused request changes nothing.
service_request_id is the ticket's number, the one staff see (#123), so a phone call about a
request needs no translation.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from qiaomen.core.errors import DomainError
from qiaomen.core.phone import PhoneError, parse_phone
from qiaomen.open311.locations import place_for
from qiaomen.open311.models import Open311Key, Open311Request
from qiaomen.open311.render import Open311Error
from qiaomen.places.models import Street
from qiaomen.tickets.intake import ticket_from_text
from qiaomen.tickets.models import Channel, Subcategory, Ticket, TicketEvent
from qiaomen.tickets.models import Status as TicketStatus
from qiaomen.tickets.selectors import active_subcategories
from qiaomen.tickets.services import MAX_DESCRIPTION
from qiaomen.tickets.states import OPEN_STATUSES

# Sub-categories whose demands are about someone's health: their service definition asks for the
# submitter's separate consent to health information being kept (PIPL art. 28-29).
HEALTH_SERVICES = frozenset({"EMG-HEALTH", "LIF-MED", "LIF-PSY"})
HEALTH_CONSENT = "HEALTH_CONSENT"
CONSENT_VALUES = {"yes": "同意", "no": "不同意"}

MAX_IDS = 1000  # GeoReport v2: at most 1000 requests per answer
MAX_RANGE = dt.timedelta(days=90)  # and at most 90 days between start_date and end_date
MAX_SHORT = 200
MAX_NAME = 100
MAX_URL = 1000
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
# Control characters other than tab and line breaks: nobody types them, XML cannot carry them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

PRIORITY_WORDS = {"P1": "即时响应", "P2": "24小时内办理", "P3": "3个工作日内办理"}

CLOSED = "closed"
OPEN = "open"


def w3c(value: dt.datetime | None) -> str | None:
    """ISO 8601 in China time with its offset: 2026-11-29T15:50:00+08:00."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _clean(value: str) -> str:
    return _CONTROL.sub("", value).strip()


def subcategory_for(service_code: str) -> Subcategory:
    subcategory = active_subcategories().filter(code=service_code).first()
    if subcategory is None:
        raise Open311Error.one(404, "service_not_found", f"没有代码为“{service_code[:32]}”的服务")
    return subcategory


def street_for(key: Open311Key | None, jurisdiction_id: str) -> Street | None:
    """The street a request is about: the key's own, or the one named by jurisdiction_id (its
    code). GeoReport lets a one-jurisdiction server ignore the parameter; we check it when given
    so that a client pointed at the wrong server hears so instead of filing in the wrong street."""
    jurisdiction_id = jurisdiction_id.strip()
    street = key.street if key is not None else None
    if not jurisdiction_id:
        return street
    named = Street.objects.filter(code__iexact=jurisdiction_id).first()
    if named is None or (street is not None and named != street):
        raise Open311Error.one(404, "jurisdiction_not_found", f"没有代码为“{jurisdiction_id[:32]}”的辖区")
    return named


@dataclass
class NewRequest:
    subcategory: Subcategory
    description: str
    lat: float | None
    lng: float | None
    address_string: str
    address_id: str
    email: str
    device_id: str
    account_id: str
    first_name: str
    last_name: str
    phone: str
    media_url: str
    health_consent: bool


def _coordinate(raw: str, name: str, bound: float, errors: list[tuple[str, str]]) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > bound:
        errors.append((f"{name}_invalid", f"{name} 应为 -{bound:g} 到 {bound:g} 之间的数（WGS84）"))
        return None
    return value


def _attributes(data: QueryDict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in data:
        if match := _ATTRIBUTE.match(name):
            found.setdefault(match.group(1), []).extend(_clean(v) for v in data.getlist(name))
    return found


def _text_field(data: QueryDict, name: str, limit: int, errors: list[tuple[str, str]]) -> str:
    value = _clean(data.get(name, ""))
    if len(value) > limit:
        errors.append((f"{name}_too_long", f"{name} 不能超过{limit}个字符"))
    return value


def parse_new_request(data: QueryDict) -> NewRequest:
    """The POSTed form, checked field by field against GeoReport v2 and our limits."""
    service_code = _clean(data.get("service_code", ""))
    # An unknown service is a 404 on its own; a missing one is one of the 400s reported together.
    subcategory = subcategory_for(service_code) if service_code else None
    errors: list[tuple[str, str]] = []
    if subcategory is None:
        errors.append(("service_code_required", "请提供 service_code（见 services 列表）"))
    lat_raw, lng_raw = _clean(data.get("lat", "")), _clean(data.get("long", ""))
    lat = lng = None
    if bool(lat_raw) != bool(lng_raw):
        errors.append(("lat_long_pair", "lat 和 long 须同时提供"))
    elif lat_raw:
        lat = _coordinate(lat_raw, "lat", 90, errors)
        lng = _coordinate(lng_raw, "long", 180, errors)
    address_string = _text_field(data, "address_string", 500, errors)
    address_id = _text_field(data, "address_id", MAX_SHORT, errors)
    if not (lat_raw and lng_raw) and not address_string and not address_id:
        errors.append(("location_required", "请提供位置：lat 与 long，或 address_string，或 address_id"))
    description = _text_field(data, "description", MAX_DESCRIPTION, errors)
    email = _text_field(data, "email", 254, errors)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(("email_invalid", "email 格式不正确"))
    phone = _clean(data.get("phone", ""))
    if phone:
        try:
            phone = parse_phone(phone)
        except PhoneError as exc:
            errors.append(("phone_invalid", exc.message))
    media_url = _text_field(data, "media_url", MAX_URL, errors)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors.append(("media_url_invalid", "media_url 须为 http 或 https 网址"))
    attributes = _attributes(data)
    consent = attributes.get(HEALTH_CONSENT, [])
    health = subcategory is not None and subcategory.code in HEALTH_SERVICES
    if health:
        if not consent:
            errors.append(("attribute_required", f"该服务须提供 attribute[{HEALTH_CONSENT}]（yes 或 no）"))
        elif len(consent) != 1 or consent[0] not in CONSENT_VALUES:
            errors.append(("attribute_invalid", f"attribute[{HEALTH_CONSENT}] 只能是 yes 或 no"))
    device_id = _text_field(data, "device_id", MAX_SHORT, errors)
    account_id = _text_field(data, "account_id", MAX_SHORT, errors)
    first_name = _text_field(data, "first_name", MAX_NAME, errors)
    last_name = _text_field(data, "last_name", MAX_NAME, errors)
    if errors or subcategory is None:
        raise Open311Error(400, errors)
    return NewRequest(
        subcategory=subcategory,
        description=description,
        lat=lat,
        lng=lng,
        address_string=address_string,
        address_id=address_id,
        email=email,
        device_id=device_id,
        account_id=account_id,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        media_url=media_url,
        health_consent=health and consent == ["yes"],
    )


def open311_request_create(
    *, key: Open311Key, new: NewRequest, street: Street | None, request: HttpRequest | None = None
) -> Open311Request:
    """The ticket (channel api) and the request beside it, both or neither."""
    place = place_for(
        lat=new.lat, lng=new.lng, address_string=new.address_string, address_id=new.address_id, street=street
    )
    # GeoReport makes the description optional; a ticket needs words, so the service names it.
    description = new.description or f"{new.subcategory.name}（提交时未附描述）"
    try:
        with transaction.atomic():
            # The client chose the service, so the ticket is routed to its department; the
            # classifier still reads the text, and an emergency in it still forces P1.
            ticket = ticket_from_text(
                channel=Channel.API,
                description=description,
                subcategory=new.subcategory,
                household=place.household,
                grid=place.grid,
                callback_phone=new.phone,
                health_consent=new.health_consent,
                request=request,
            )
            return Open311Request.objects.create(
                ticket=ticket,
                key=key,
                created_at=ticket.created_at,
                lat=new.lat,
                long=new.lng,
                address_string=new.address_string,
                address_id=new.address_id,
                device_id=new.device_id,
                account_id=new.account_id,
                media_url=new.media_url,
                email=new.email,
                first_name=new.first_name,
                last_name=new.last_name,
                phone=new.phone,
            )
    except DomainError as exc:
        raise Open311Error.one(400, exc.code, exc.message) from exc


# --- reading requests back ----------------------------------------------------------------------


def _requests(key: Open311Key) -> QuerySet[Open311Request]:
    """The key's own requests with everything a document needs, in one query."""
    events = TicketEvent.objects.filter(ticket=OuterRef("ticket")).order_by("-at", "-pk")
    return (
        Open311Request.objects.filter(key=key, ticket__channel=Channel.API)
        .select_related("ticket__subcategory__category", "ticket__department")
        .annotate(
            updated_at=Subquery(events.values("at")[:1]),
            return_reason=Subquery(events.filter(action="return").values("reason")[:1]),
        )
    )


def open311_request_for(key: Open311Key, service_request_id: int) -> Open311Request | None:
    return _requests(key).filter(ticket_id=service_request_id).first()


def _comma_list(raw: str) -> list[str]:
    return [part for part in (p.strip() for p in raw.split(",")) if part]


def _w3c_in(raw: str, name: str) -> dt.datetime:
    """A W3C date-time with its time zone (2010-01-01T00:00:00Z); a bare date is midnight in China."""
    try:
        value = parse_datetime(raw.replace(" ", "+")) if "T" in raw else None
        day = parse_date(raw) if "T" not in raw else None
    except ValueError:  # well formed but impossible, such as month 13
        value = day = None
    if day is not None:
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))
    if value is None or value.tzinfo is None:
        raise Open311Error.one(400, f"{name}_invalid", f"{name} 须为带时区的 W3C 时间，如 2026-01-01T00:00:00+08:00")
    return value


def open311_requests_find(key: Open311Key, params: QueryDict) -> list[Open311Request]:
    """GET requests: the key's requests filtered as GeoReport v2 says.

    service_request_id (comma list) overrides every other filter. Otherwise requested_datetime
    lies in [start_date, end_date], at most 90 days apart, by default the last 90 days; status
    and service_code are comma lists. At most 1000 requests, newest first.
    """
    try:
        if raw_ids := _clean(params.get("service_request_id", "")):
            ids = _comma_list(raw_ids)
            if len(ids) > MAX_IDS or not all(i.isdigit() and len(i) < 12 for i in ids):
                raise Open311Error.one(400, "service_request_id_invalid", "service_request_id 须为以逗号分隔的编号")
            return list(_requests(key).filter(ticket_id__in=[int(i) for i in ids]).order_by("-created_at", "-pk"))
        start_raw, end_raw = _clean(params.get("start_date", "")), _clean(params.get("end_date", ""))
        start = _w3c_in(start_raw, "start_date") if start_raw else None
        end = _w3c_in(end_raw, "end_date") if end_raw else None
    except OverflowError as exc:
        raise Open311Error.one(400, "date_invalid", "日期超出范围") from exc
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - MAX_RANGE
    if end is None:
        end = start + MAX_RANGE
    if start > end:
        raise Open311Error.one(400, "date_range_invalid", "start_date 不能晚于 end_date")
    if end - start > MAX_RANGE:
        raise Open311Error.one(400, "date_range_too_long", "start_date 与 end_date 相隔不能超过90天")
    found = _requests(key).filter(created_at__gte=start, created_at__lte=end)
    if statuses := _comma_list(params.get("status", "")):
        if not set(statuses) <= {OPEN, CLOSED}:
            raise Open311Error.one(400, "status_invalid", "status 只能是 open 或 closed")
        if set(statuses) == {OPEN}:
            found = found.filter(ticket__status__in=OPEN_STATUSES)
        elif set(statuses) == {CLOSED}:
            found = found.exclude(ticket__status__in=OPEN_STATUSES)
    if codes := _comma_list(params.get("service_code", "")):
        found = found.filter(ticket__subcategory__code__in=codes)
    return list(found.order_by("-created_at", "-pk")[:MAX_IDS])


def open_or_closed(ticket: Ticket) -> str:
    """Ours → GeoReport's: every status in OPEN_STATUSES is open; resolved, closed, merged closed."""
    return OPEN if ticket.status in OPEN_STATUSES else CLOSED


def status_notes(ticket: Ticket, return_reason: str | None) -> str:
    """What the submitter may know about where the request stands. Only the department's answer
    (the resolution note) and the question back to the submitter (a return's reason) are staff
    text; transfer reasons and internal notes stay inside."""
    department = ticket.department.name
    notes = {
        TicketStatus.NEW: "已收到，正在分派",
        TicketStatus.ROUTED: f"已转{department}，等待受理",
        TicketStatus.TRANSFERRED: f"已转{department}，等待受理",
        TicketStatus.ACCEPTED: f"{department}已受理",
        TicketStatus.IN_PROGRESS: f"{department}正在办理",
        TicketStatus.RETURNED: f"需要补充信息：{return_reason or ''}".rstrip("："),
        TicketStatus.REOPENED: f"已重新交{department}办理",
        TicketStatus.RESOLVED: ticket.resolution_note or "已办结",
        TicketStatus.CLOSED: ticket.resolution_note or "已办结",
        TicketStatus.MERGED: "与反映同一问题的诉求合并办理",
    }
    return notes.get(TicketStatus(ticket.status), "")


def service_notice(ticket: Ticket) -> str:
    notice = f"由{ticket.department.name}办理（{PRIORITY_WORDS.get(ticket.priority, ticket.priority)}）"
    if ticket.status in OPEN_STATUSES and ticket.resolve_by:
        notice += f"，预计{timezone.localtime(ticket.resolve_by):%Y-%m-%d %H:%M}前办结"
    return notice


def request_document(item: Open311Request) -> dict[str, Any]:
    """One <request> of GET requests, fields in the specification's order. Never the
    submitter's name, e-mail, phone, device or account: those stay with the ticket."""
    ticket = item.ticket
    return {
        "service_request_id": ticket.pk,
        "status": open_or_closed(ticket),
        "status_notes": status_notes(ticket, getattr(item, "return_reason", None)),
        "service_name": ticket.subcategory.name,
        "service_code": ticket.subcategory.code,
        "description": ticket.description,
        "agency_responsible": ticket.department.name,
        "service_notice": service_notice(ticket),
        "requested_datetime": w3c(ticket.created_at),
        "updated_datetime": w3c(getattr(item, "updated_at", None) or ticket.created_at),
        "expected_datetime": w3c(ticket.resolve_by),
        "address": item.address_string or None,
        "address_id": item.address_id or None,
        "zipcode": None,
        "lat": item.lat,
        "long": item.long,
        "media_url": item.media_url or None,
    }
