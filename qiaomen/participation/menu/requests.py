"""A resident asks for a menu service from their household's QR page.

The request goes through the tickets domain's public intake (resident_demand_submit): the same
submission-id rule (a double tap makes one ticket), the same health-consent rule on the resident's
words, the same audit. The ticket is filed under the entry's sub-category and routed to the
partner's handling department; MenuRequest links it back to the entry. Which entries a code may
ask for: those offered now by partners of the household's community or of its whole street.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.core.errors import InvalidInput, NotFound
from qiaomen.participation.menu.selectors import menu_offered
from qiaomen.participation.models.menu import MenuEntry, MenuRequest
from qiaomen.registry.models import DoorCode
from qiaomen.tickets.doorcodes.residents import ResidentDemand, resident_demand_submit
from qiaomen.tickets.models import Ticket

MAX_NOTE = 500


def entries_for_door_code(code: DoorCode) -> QuerySet[MenuEntry]:
    """The menu a household's QR page offers (module docstring)."""
    community = code.household.building.grid.community
    partners = Q(partner__community=community) | Q(partner__community__isnull=True, partner__street=community.street_id)
    return menu_offered(MenuEntry.objects.filter(partners), at=timezone.now())


@dataclass(frozen=True)
class MenuAsk:
    entry_pk: int
    submission_id: uuid.UUID
    note: str = ""
    callback_phone: str = ""
    health_consent: bool = False
    health_asked: bool = False


def menu_request_text(entry: MenuEntry, note: str) -> str:
    """What the handling department reads: the service asked for, and the resident's words."""
    text = f"服务菜单申请：{entry.title}（{entry.partner.name}）"
    return f"{text}\n居民留言：{note.strip()}" if note.strip() else text


def menu_request_submit(*, code: DoorCode, ask: MenuAsk, request: HttpRequest | None = None) -> tuple[Ticket, bool]:
    """The ticket of a resident's request for a menu entry; (ticket, created). The same
    submission id again answers the first ticket; an entry not on this household's menu is a 404."""
    entry = (
        entries_for_door_code(code).select_related("partner__department", "subcategory").filter(pk=ask.entry_pk).first()
    )
    if entry is None:
        raise NotFound("menu_entry_not_found", _("This service is not on your menu (any more)."))
    if len(ask.note) > MAX_NOTE:
        raise InvalidInput("note_too_long", _("A note may be at most %(limit)s characters.") % {"limit": MAX_NOTE})
    demand = ResidentDemand(
        text=menu_request_text(entry, ask.note),
        photos=[],
        submission_id=ask.submission_id,
        callback_phone=ask.callback_phone,
        health_consent=ask.health_consent,
        health_asked=ask.health_asked,
    )
    with transaction.atomic():
        ticket, created = resident_demand_submit(
            code=code,
            demand=demand,
            request=request,
            subcategory=entry.subcategory,
            department=entry.partner.department,
        )
        if created:
            MenuRequest.objects.create(entry=entry, ticket=ticket, created_at=ticket.created_at)
    return ticket, created
