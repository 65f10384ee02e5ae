"""A device alarm's acknowledgement, on its ticket (issue 15): `POST /tickets/{id}/acknowledge`
and `POST /tickets/{id}/on-site`, and the ladder state that the ticket's detail carries.

Who may press them is the device page's rule (devices.scope.ticket_alarm_for_user): a role that
views devices (403 otherwise, before any look-up), the ticket in the caller's scope and its
alarm's device in the caller's places (404 otherwise, also for a ticket no alarm opened). The
service answers a second acknowledgement, or a second arrival, with 409 and a code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Header, Router, Schema

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.api.auth import api_user_with
from qiaomen.api.errors import responses
from qiaomen.devices.acknowledgements import ack_acknowledge, ack_on_site
from qiaomen.devices.alarms import alarm_ladder
from qiaomen.devices.models.acknowledgements import AckStatus, AlarmAcknowledgement
from qiaomen.devices.scope import alarm_for_user, ticket_alarm_for_user
from qiaomen.tickets.selectors import ticket_for_user

router = Router(tags=["tickets"])


class AlarmStepOut(Schema):
    rung: int = Field(description="0 grid worker, 1 backup contacts, 2 community duty officer, 3 street command")
    rung_name: str
    at: dt.datetime = Field(description="when the alarm reached this rung")
    told: list[str] = Field(description="the display names of the people this rung told")


class AlarmOut(Schema):
    version: int = Field(description="send it back as If-Match with an action: a change since answers 409")
    device_id: int
    device_kind: str
    device_serial: str
    status: AckStatus
    rung: int
    rung_name: str
    started_at: dt.datetime
    due_at: dt.datetime | None = Field(description="when the next rung is due; null once answered or at the top")
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    on_site_at: dt.datetime | None
    on_site_by: str | None
    steps: list[AlarmStepOut] = Field(description="the rungs reached, first to current")


def alarm_out(ack: AlarmAcknowledgement) -> dict[str, Any]:
    steps = alarm_ladder(ack)
    return {
        "version": ack.version,
        "device_id": ack.device_id,
        "device_kind": ack.device.kind,
        "device_serial": ack.device.serial,
        "status": ack.status,
        "rung": ack.rung,
        "rung_name": steps[-1].rung_name if steps else "grid_worker",
        "started_at": ack.started_at,
        "due_at": ack.due_at,
        "acknowledged_at": ack.acknowledged_at,
        "acknowledged_by": str(ack.acknowledged_by) if ack.acknowledged_by else None,
        "on_site_at": ack.on_site_at,
        "on_site_by": str(ack.on_site_by) if ack.on_site_by else None,
        "steps": [
            {"rung": s.rung, "rung_name": s.rung_name, "at": s.at, "told": [str(u) for u in s.told]} for s in steps
        ],
    }


def ticket_alarm(user: User, ticket_id: int) -> dict[str, Any] | None:
    """The ladder state for a ticket's detail: null for a ticket no alarm opened, or for a caller
    who does not see the alarm's device (a department handler)."""
    if not user.can(Capability.VIEW_DEVICES):
        return None
    ack = ticket_alarm_for_user(user, ticket_id)
    return alarm_out(ack) if ack is not None else None


IF_MATCH = Header(
    None,
    alias="If-Match",
    pattern=r'^"?[0-9]{1,9}"?$',
    description="the alarm's version as last read: a change since answers 409",
)
ERRORS = (401, 403, 404, 409, 422)


def _act(request: HttpRequest, ticket_id: int, if_match: str | None, *, arrived: bool) -> dict[str, Any]:
    user = api_user_with(request, Capability.VIEW_DEVICES)
    ticket = ticket_for_user(user, ticket_id)
    ack = alarm_for_user(user, ticket.pk)
    if if_match is not None:
        ack.version = int(if_match.strip('"'))
    # The service puts what it wrote on `ack`: no second lookup to answer with it.
    answered = ack_on_site(ack=ack, user=user) if arrived else ack_acknowledge(ack=ack, user=user)
    return alarm_out(answered)


@router.post(
    "/tickets/{int:ticket_id}/acknowledge", response=responses(AlarmOut, *ERRORS), url_name="ticket_acknowledge"
)
def acknowledge(request: HttpRequest, ticket_id: int, if_match: str | None = IF_MATCH) -> dict[str, Any]:
    """Take the alarm that opened this ticket: its ladder stops. Already acknowledged: 409
    `alarm_already_acknowledged`, nothing changed."""
    return _act(request, ticket_id, if_match, arrived=False)


@router.post("/tickets/{int:ticket_id}/on-site", response=responses(AlarmOut, *ERRORS), url_name="ticket_on_site")
def on_site(request: HttpRequest, ticket_id: int, if_match: str | None = IF_MATCH) -> dict[str, Any]:
    """Someone arrived at the household; arriving unacknowledged acknowledges too. Already
    recorded on site: 409 `alarm_already_on_site`, nothing changed."""
    return _act(request, ticket_id, if_match, arrived=True)
