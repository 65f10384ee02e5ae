"""GET requests and GET requests/{id}: who reads what.

GeoReport v2 asks no api_key of either, and published clients send none, so both answer anyone:

- **What they list.** Every ticket of the installation, whatever channel it came in by (Open311,
  visits, the QR page, staff), or of one street: the street of the key that asks, else the one
  named by jurisdiction_id. A ticket belongs to its grid's street; one that no place was found
  for belongs to the street of the key it came in with, else to the installation only (listed
  when no street is named). A key's own requests are always listed to it.
- **What anyone reads of a ticket.** Its number, open/closed, a status note in fixed words (no
  staff text: neither a return's question nor the resolution note), the service, the
  department, the notice, the dates, and where it is to about 100 m (PUBLIC_DECIMALS places:
  the coordinates the client sent, else the household's building, else the grid's centre).
  Never a name, phone, e-mail, address, household, device, account or media. A description
  only for a request a client sent through Open311 (the ticket has an Open311Request), as the
  client sent it (not what staff added later) and with phone, ID and other long numbers taken
  out (scrub.py). The three health services publish neither description nor location: health
  information is sensitive personal information (PIPL art. 28), and a health demand placed
  within 100 m and dated can point at one family.
- **What a key reads of the requests it created.** Everything it sent back as it sent it:
  the description unscrubbed, the address, the exact coordinates, the media_url, and the full
  status notes. Every other ticket reads as it does for anyone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from qiaomen.core.fields import EncryptedTextField
from qiaomen.open311.models import Open311Key, Open311Request
from qiaomen.open311.render import Open311Error
from qiaomen.open311.requests import HEALTH_SERVICES, PRIORITY_WORDS
from qiaomen.open311.scrub import scrub_personal_numbers
from qiaomen.places.models import Street
from qiaomen.tickets.models import OPEN_STATUSES, Ticket, TicketEvent
from qiaomen.tickets.models import Status as TicketStatus

MAX_IDS = 1000  # GeoReport v2: at most 1000 requests per answer
MAX_RANGE = dt.timedelta(days=90)  # and at most 90 days between start_date and end_date
# 0.001° is 111 m north-south and about 95 m east-west at 31° N (Shanghai).
PUBLIC_DECIMALS = 3
# What tickets.services.ticket_resubmit puts between the demand and what staff add to it later.
_ADDITION = "\n【补充】"

CLOSED = "closed"
OPEN = "open"


def w3c(value: dt.datetime | None) -> str | None:
    """ISO 8601 in China time with its offset: 2026-11-29T15:50:00+08:00."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _tickets(street: Street | None, key: Open311Key | None) -> QuerySet[Ticket]:
    """The tickets a reader of `street` (None: the installation) lists, with everything a
    document needs in the same query; a key's own requests are always among them."""
    events = TicketEvent.objects.filter(ticket=OuterRef("pk")).order_by("-at", "-pk")
    tickets = Ticket.objects.select_related(
        "subcategory", "department", "grid", "household__building", "open311_request"
    ).annotate(
        updated_at=Subquery(events.values("at")[:1]),
        return_reason=Subquery(events.filter(action="return").values("reason")[:1]),
        return_reason_key=Subquery(events.filter(action="return").values("row_key")[:1]),
    )
    if street is None:
        return tickets
    in_street = Q(grid__community__street=street) | Q(grid__isnull=True, open311_request__key__street=street)
    if key is not None:
        in_street |= Q(open311_request__key=key)
    return tickets.filter(in_street)


def request_find(*, street: Street | None, key: Open311Key | None, service_request_id: int) -> Ticket | None:
    return _tickets(street, key).filter(pk=service_request_id).first()


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
        raise Open311Error.one(
            400,
            f"{name}_invalid",
            _("%(name)s must be a W3C time with a time zone, e.g. 2026-01-01T00:00:00+08:00.") % {"name": name},
        )
    return value


def _window(params: QueryDict) -> tuple[dt.datetime, dt.datetime]:
    """[start_date, end_date], at most 90 days apart; by default the last 90 days."""
    try:
        start_raw, end_raw = params.get("start_date", "").strip(), params.get("end_date", "").strip()
        start = _w3c_in(start_raw, "start_date") if start_raw else None
        end = _w3c_in(end_raw, "end_date") if end_raw else None
    except OverflowError as exc:
        raise Open311Error.one(400, "date_invalid", _("The date is out of range.")) from exc
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - MAX_RANGE
    if end is None:
        end = start + MAX_RANGE
    if start > end:
        raise Open311Error.one(400, "date_range_invalid", _("start_date cannot be after end_date."))
    if end - start > MAX_RANGE:
        raise Open311Error.one(400, "date_range_too_long", _("start_date and end_date may be at most 90 days apart."))
    return start, end


def requests_find(*, street: Street | None, key: Open311Key | None, params: QueryDict) -> list[Ticket]:
    """GET requests: the tickets of `street` (None: all) filtered as GeoReport v2 says.

    service_request_id (comma list) overrides every other filter. Otherwise requested_datetime
    lies in [start_date, end_date]; status and service_code are comma lists. At most 1000
    requests, newest first.
    """
    tickets = _tickets(street, key).order_by("-created_at", "-pk")
    if raw_ids := params.get("service_request_id", "").strip():
        ids = _comma_list(raw_ids)
        if len(ids) > MAX_IDS or not all(i.isdigit() and len(i) < 12 for i in ids):
            raise Open311Error.one(
                400, "service_request_id_invalid", _("service_request_id must be numbers separated by commas.")
            )
        return list(tickets.filter(pk__in=[int(i) for i in ids]))
    start, end = _window(params)
    tickets = tickets.filter(created_at__gte=start, created_at__lte=end)
    if statuses := _comma_list(params.get("status", "")):
        if not set(statuses) <= {OPEN, CLOSED}:
            raise Open311Error.one(400, "status_invalid", _("status must be open or closed."))
        if set(statuses) == {OPEN}:
            tickets = tickets.filter(status__in=OPEN_STATUSES)
        elif set(statuses) == {CLOSED}:
            tickets = tickets.exclude(status__in=OPEN_STATUSES)
    if codes := _comma_list(params.get("service_code", "")):
        tickets = tickets.filter(subcategory__code__in=codes)
    return list(tickets[:MAX_IDS])


# --- documents -----------------------------------------------------------------------------------


def open_or_closed(ticket: Ticket) -> str:
    """Ours → GeoReport's: every status in OPEN_STATUSES is open; resolved, closed, merged closed."""
    return OPEN if ticket.status in OPEN_STATUSES else CLOSED


def _return_reason(ticket: Ticket) -> str | None:
    """The last return's reason, read with the ticket (annotations): opened with its event's row key."""
    token = getattr(ticket, "return_reason", None)
    field = TicketEvent._meta.get_field("reason")
    assert isinstance(field, EncryptedTextField)
    return field.open(token, row_key=getattr(ticket, "return_reason_key", None))  # type: ignore[no-any-return]


def status_notes(ticket: Ticket, *, staff_text: bool) -> str:
    """Where the request stands. With `staff_text` (the key that sent it), the department's
    answer (the resolution note) and its question back (a return's reason) too; transfer reasons
    and internal notes never leave."""
    department = ticket.department.name
    reason = _return_reason(ticket) if staff_text else None
    resolution = (ticket.resolution_note if staff_text else "") or "已办结"
    notes = {
        TicketStatus.NEW: "已收到，正在分派",
        TicketStatus.ROUTED: f"已转{department}，等待受理",
        TicketStatus.TRANSFERRED: f"已转{department}，等待受理",
        TicketStatus.ACCEPTED: f"{department}已受理",
        TicketStatus.IN_PROGRESS: f"{department}正在办理",
        TicketStatus.RETURNED: f"需要补充信息：{reason or ''}".rstrip("："),
        TicketStatus.REOPENED: f"已重新交{department}办理",
        TicketStatus.RESOLVED: resolution,
        TicketStatus.CLOSED: resolution,
        TicketStatus.MERGED: "与反映同一问题的诉求合并办理",
    }
    return notes.get(TicketStatus(ticket.status), "")


def service_notice(ticket: Ticket) -> str:
    notice = f"由{ticket.department.name}办理（{PRIORITY_WORDS.get(ticket.priority, ticket.priority)}）"
    if ticket.status in OPEN_STATUSES and ticket.resolve_by:
        notice += f"，预计{timezone.localtime(ticket.resolve_by):%Y-%m-%d %H:%M}前办结"
    return notice


def sent_with(ticket: Ticket) -> Open311Request | None:
    """The Open311 request the ticket came from, if it did (select_related by _tickets)."""
    sent: Open311Request | None = getattr(ticket, "open311_request", None)
    return sent


def _public_location(ticket: Ticket, sent: Open311Request | None) -> tuple[float | None, float | None]:
    if ticket.subcategory.code in HEALTH_SERVICES:
        return None, None
    lat: float | None
    lng: float | None
    if sent is not None and sent.lat is not None:
        lat, lng = sent.lat, sent.long
    elif ticket.household is not None:
        lat, lng = ticket.household.building.lat, ticket.household.building.lng
    elif ticket.grid is not None:
        lat, lng = ticket.grid.center_lat, ticket.grid.center_lng
    else:
        return None, None
    if lat is None or lng is None:
        return None, None
    return round(lat, PUBLIC_DECIMALS), round(lng, PUBLIC_DECIMALS)


def _public_description(ticket: Ticket, sent: Open311Request | None) -> str | None:
    if sent is None or ticket.subcategory.code in HEALTH_SERVICES:
        return None
    return scrub_personal_numbers(ticket.description.split(_ADDITION, 1)[0])


def request_document(ticket: Ticket, *, key: Open311Key | None) -> dict[str, Any]:
    """One <request> of GET requests, fields in the specification's order: as its own key sent
    it, or the public fields only (module docstring)."""
    sent = sent_with(ticket)
    own = key is not None and sent is not None and sent.key_id == key.pk
    if own:
        assert sent is not None
        description: str | None = ticket.description
        lat, lng = sent.lat, sent.long
    else:
        description = _public_description(ticket, sent)
        lat, lng = _public_location(ticket, sent)
    return {
        "service_request_id": ticket.pk,
        "status": open_or_closed(ticket),
        "status_notes": status_notes(ticket, staff_text=own),
        "service_name": ticket.subcategory.name,
        "service_code": ticket.subcategory.code,
        "description": description,
        "agency_responsible": ticket.department.name,
        "service_notice": service_notice(ticket),
        "requested_datetime": w3c(ticket.created_at),
        "updated_datetime": w3c(getattr(ticket, "updated_at", None) or ticket.created_at),
        "expected_datetime": w3c(ticket.resolve_by),
        "address": (sent.address_string or None) if own and sent else None,
        "address_id": (sent.address_id or None) if own and sent else None,
        "zipcode": None,
        "lat": lat,
        "long": lng,
        "media_url": (sent.media_url or None) if own and sent else None,
    }
