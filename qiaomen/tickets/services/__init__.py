"""Ticket writes, one module per concern:

- routing: a demand becomes a ticket, routed to its department (or held NEW)
- intake: a resident's free text, classified, then routed or held for a person
- transitions: the handlers' actions (accept, start, transfer, return, resubmit, resolve, priority)
- confirmations: the worker's confirmation, the resident's rating, closing, spot checks
- rating_links: the resident's one-time rating links
- merges: a duplicate folded into the ticket that carries on
- escalation: the sweep that raises overdue tickets a level
- repeats, notifications, photos, taxonomy

Every change of a ticket's state goes through core.transitions.claim_transition. The names
below are the package's public services, importable from `qiaomen.tickets.services`.
"""

from __future__ import annotations

from qiaomen.tickets.services.confirmations import (
    RATING_WAIT,
    rating_link_for_resident,
    spot_check_record,
    ticket_close_if_complete,
    ticket_confirm,
    ticket_rate,
)
from qiaomen.tickets.services.notifications import (
    community_staff,
    department_handlers,
    grid_workers,
    notifications_mark_read,
    notify,
    ticket_routed_notify,
)
from qiaomen.tickets.services.photos import (
    MAX_PHOTOS_PER_TICKET,
    PHOTO_FOLDER,
    ticket_photo_path,
    ticket_photos_add,
)
from qiaomen.tickets.services.rating_links import RATING_LINK_DAYS, rating_link_issue, rating_link_open
from qiaomen.tickets.services.repeats import REPEAT_WINDOW
from qiaomen.tickets.services.routing import MAX_DESCRIPTION, description_clean, ticket_create, ticket_create_once
from qiaomen.tickets.services.taxonomy import subcategory_update, workday_override_set
from qiaomen.tickets.services.transitions import (
    ticket_accept,
    ticket_change_priority,
    ticket_resolve,
    ticket_resubmit,
    ticket_return,
    ticket_start,
    ticket_transfer,
    ticket_transition,
)

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_PHOTOS_PER_TICKET",
    "PHOTO_FOLDER",
    "RATING_LINK_DAYS",
    "RATING_WAIT",
    "REPEAT_WINDOW",
    "community_staff",
    "department_handlers",
    "description_clean",
    "grid_workers",
    "notifications_mark_read",
    "notify",
    "rating_link_for_resident",
    "rating_link_issue",
    "rating_link_open",
    "spot_check_record",
    "subcategory_update",
    "ticket_accept",
    "ticket_change_priority",
    "ticket_close_if_complete",
    "ticket_confirm",
    "ticket_create",
    "ticket_create_once",
    "ticket_photo_path",
    "ticket_photos_add",
    "ticket_rate",
    "ticket_resolve",
    "ticket_resubmit",
    "ticket_return",
    "ticket_routed_notify",
    "ticket_start",
    "ticket_transfer",
    "ticket_transition",
    "workday_override_set",
]
