"""Open311 service requests: parse a POSTed request and create its ticket (reads.py reads them back).

Everything a client sends is checked before anything is written; every problem found is
reported at once (an Open311Error carries a list), and a refused request changes nothing.
service_request_id is the ticket's number, the one staff see (#123), so a phone call about a
request needs no translation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from qiaomen.core.errors import DomainError
from qiaomen.core.phone import PhoneError, parse_phone
from qiaomen.open311.locations import place_for
from qiaomen.open311.models import Open311Key, Open311Request
from qiaomen.open311.render import Open311Error
from qiaomen.places.models import Street
from qiaomen.tickets.models import Channel, Subcategory
from qiaomen.tickets.selectors import active_subcategories
from qiaomen.tickets.services import MAX_DESCRIPTION
from qiaomen.tickets.services.intake import ticket_from_text

# Sub-categories whose demands are about someone's health: their service definition asks for the
# submitter's separate consent to health information being kept (PIPL art. 28-29).
HEALTH_SERVICES = frozenset({"EMG-HEALTH", "LIF-MED", "LIF-PSY"})
HEALTH_CONSENT = "HEALTH_CONSENT"
CONSENT_VALUES = {"yes": "同意", "no": "不同意"}

MAX_SHORT = 200
MAX_NAME = 100
MAX_URL = 1000
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
# Control characters other than tab and line breaks: nobody types them, XML cannot carry them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

PRIORITY_WORDS = {"P1": "即时响应", "P2": "24小时内办理", "P3": "3个工作日内办理"}


def _clean(value: str) -> str:
    return _CONTROL.sub("", value).strip()


def subcategory_for(service_code: str) -> Subcategory:
    subcategory = active_subcategories().filter(code=service_code).first()
    if subcategory is None:
        raise Open311Error.one(
            404, "service_not_found", _("No service has the code “%(code)s”.") % {"code": service_code[:32]}
        )
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
        raise Open311Error.one(
            404,
            "jurisdiction_not_found",
            _("No jurisdiction has the code “%(code)s”.") % {"code": jurisdiction_id[:32]},
        )
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
        errors.append(
            (
                f"{name}_invalid",
                _("%(name)s must be a number from -%(bound)s to %(bound)s (WGS84).")
                % {"name": name, "bound": f"{bound:g}"},
            )
        )
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
        errors.append(
            (f"{name}_too_long", _("%(name)s may be at most %(limit)s characters.") % {"name": name, "limit": limit})
        )
    return value


def parse_new_request(data: QueryDict) -> NewRequest:
    """The POSTed form, checked field by field against GeoReport v2 and our limits."""
    service_code = _clean(data.get("service_code", ""))
    # An unknown service is a 404 on its own; a missing one is one of the 400s reported together.
    subcategory = subcategory_for(service_code) if service_code else None
    errors: list[tuple[str, str]] = []
    if subcategory is None:
        errors.append(("service_code_required", _("Give a service_code (see the services list).")))
    lat_raw, lng_raw = _clean(data.get("lat", "")), _clean(data.get("long", ""))
    lat = lng = None
    if bool(lat_raw) != bool(lng_raw):
        errors.append(("lat_long_pair", _("Give lat and long together.")))
    elif lat_raw:
        lat = _coordinate(lat_raw, "lat", 90, errors)
        lng = _coordinate(lng_raw, "long", 180, errors)
    address_string = _text_field(data, "address_string", 500, errors)
    address_id = _text_field(data, "address_id", MAX_SHORT, errors)
    if not (lat_raw and lng_raw) and not address_string and not address_id:
        errors.append(("location_required", _("Give a location: lat and long, or address_string, or address_id.")))
    description = _text_field(data, "description", MAX_DESCRIPTION, errors)
    email = _text_field(data, "email", 254, errors)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(("email_invalid", _("email is not a valid address.")))
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
            errors.append(("media_url_invalid", _("media_url must be an http or https URL.")))
    attributes = _attributes(data)
    consent = attributes.get(HEALTH_CONSENT, [])
    health = subcategory is not None and subcategory.code in HEALTH_SERVICES
    if health:
        if not consent:
            errors.append(
                (
                    "attribute_required",
                    _("This service needs attribute[%(name)s] (yes or no).") % {"name": HEALTH_CONSENT},
                )
            )
        elif len(consent) != 1 or consent[0] not in CONSENT_VALUES:
            errors.append(("attribute_invalid", _("attribute[%(name)s] must be yes or no.") % {"name": HEALTH_CONSENT}))
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
        raise Open311Error.one(400, exc.code, str(exc.message)) from exc
