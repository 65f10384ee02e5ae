"""Receiving a rights request and moving it along: received → in progress → done, or refused.

Every step goes through core.transitions.claim_transition (history row and audit row). A
request is due 15 working days after it was received, on the tickets' calendar (statutory
holidays, 调休 and the admins' overrides), at the same time of day.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.events import Transition
from qiaomen.core.idempotency import create_once
from qiaomen.core.transitions import claim_transition
from qiaomen.core.workdays import after_working_days
from qiaomen.registry.models import (
    DoorCode,
    Household,
    Person,
    RightsChannel,
    RightsKind,
    RightsRequest,
    RightsStatus,
)
from qiaomen.registry.person_edit import person_edit
from qiaomen.registry.selectors import field_label
from qiaomen.tickets.rights.selectors import HANDLE_RIGHTS, rights_request_exported
from qiaomen.tickets.selectors import workday_calendar

DUE_WORKING_DAYS = 15
MAX_TEXT = 1000
MAX_OUTCOME = 1000


def rights_request_due(received_at: dt.datetime) -> dt.datetime:
    return after_working_days(received_at, DUE_WORKING_DAYS, workday_calendar())


def _require(user: User, *capabilities: Capability) -> None:
    if not all(user.can(capability) for capability in (HANDLE_RIGHTS, *capabilities)):
        raise Forbidden("rights_not_allowed", _("You are not allowed to handle this rights request."))


def _person_of_household(person: Person | None, household: Household) -> None:
    if person is not None and person.household_id != household.pk:
        raise InvalidInput("rights_person_elsewhere", _("This person does not live in the household of the request."))


def rights_request_receive(
    *,
    household: Household,
    kind: str,
    channel: str,
    text: str = "",
    person: Person | None = None,
    received_by: User | None = None,
    door_code: DoorCode | None = None,
    submission_id: uuid.UUID | None = None,
    request: HttpRequest | None = None,
    at: dt.datetime | None = None,
) -> tuple[RightsRequest, bool]:
    """Record a request; returns it and whether it is new (a resent resident form is not).

    `at` is when it was received, if not now (a letter recorded the day after it came).
    """
    if kind not in RightsKind.values:
        raise InvalidInput("rights_kind_invalid", _("Choose whether to see, correct or delete the information."))
    if channel == RightsChannel.STAFF:
        if received_by is None:
            raise InvalidInput("rights_receiver_required", _("A request received by staff names who received it."))
        _require(received_by)
    elif channel != RightsChannel.QR or door_code is None:
        raise InvalidInput("rights_channel_invalid", _("A request comes from staff or from a resident's QR page."))
    _person_of_household(person, household)
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            "rights_text_too_long", _("Please keep it under %(limit)s characters.") % {"limit": MAX_TEXT}
        )
    now = at or timezone.now()

    def create() -> RightsRequest:
        row = RightsRequest.objects.create(
            kind=kind,
            household=household,
            person=person,
            channel=channel,
            received_by=received_by,
            door_code=door_code,
            submission_id=submission_id,
            received_at=now,
            due_at=rights_request_due(now),
            text=text,
        )
        row.transition_event(
            Transition(action="receive", old="", new=row.status, actor=received_by, at=now, detail={"kind": kind})
        )
        audit_record(
            action="rightsrequest.receive",
            actor=received_by,
            request=request,
            obj=row,
            detail={"kind": kind, "channel": channel, "household_id": household.pk},
        )
        return row

    if submission_id is None:
        with transaction.atomic():
            return create(), True
    # The same resident form sent twice (a double tap, two server processes): the first one counts.
    return create_once(find=lambda: RightsRequest.objects.filter(submission_id=submission_id).first(), create=create)


def rights_request_identify(
    *, rights_request: RightsRequest, person: Person, user: User, request: HttpRequest | None = None
) -> RightsRequest:
    """Name the member a request from a household's QR code concerns (found on the household card)."""
    _require(user)
    _person_of_household(person, rights_request.household)
    return claim_transition(
        row=rights_request,
        to_state=None,
        action="identify",
        actor=user,
        changes={"person": person},
        from_states=(RightsStatus.RECEIVED, RightsStatus.IN_PROGRESS),
        request=request,
        audit_detail={"person_id": person.pk},
    )


def rights_request_start(
    *, rights_request: RightsRequest, user: User, request: HttpRequest | None = None, at: dt.datetime | None = None
) -> RightsRequest:
    _require(user)
    return claim_transition(
        row=rights_request, to_state=RightsStatus.IN_PROGRESS, action="start", actor=user, request=request, at=at
    )


def _close(
    rights_request: RightsRequest,
    *,
    user: User,
    to_state: str,
    action: str,
    outcome: str,
    request: HttpRequest | None,
    detail: dict[str, Any] | None = None,
) -> RightsRequest:
    now = timezone.now()
    return claim_transition(
        row=rights_request,
        to_state=to_state,
        action=action,
        actor=user,
        reason=outcome,
        changes={"outcome": outcome, "closed_at": now, "closed_by": user},
        detail=detail,
        request=request,
        audit_detail=detail,
        at=now,
    )


def close_done(
    rights_request: RightsRequest,
    *,
    user: User,
    outcome: str,
    request: HttpRequest | None,
    detail: dict[str, Any] | None = None,
) -> RightsRequest:
    """The request carried out: done, with what was done (the resident is told the outcome)."""
    return _close(
        rights_request,
        user=user,
        to_state=RightsStatus.DONE,
        action="done",
        outcome=outcome,
        request=request,
        detail=detail,
    )


def rights_request_refuse(
    *, rights_request: RightsRequest, user: User, reason: str, request: HttpRequest | None = None
) -> RightsRequest:
    """Refused with the reason the resident is told (PIPL art. 50: a refusal gives its reason)."""
    _require(user)
    reason = reason.strip()
    if len(reason) < 2:
        raise InvalidInput("rights_reason_required", _("Give the reason for refusing the request."))
    return _close(
        rights_request,
        user=user,
        to_state=RightsStatus.REFUSED,
        action="refuse",
        outcome=reason[:MAX_OUTCOME],
        request=request,
    )


def carried_out(rights_request: RightsRequest, kind: str) -> Person:
    """The person of an in-progress request of `kind`, or why it cannot be carried out now."""
    if rights_request.kind != kind:
        raise Conflict("rights_kind_mismatch", _("This request asks for something else."))
    if rights_request.status != RightsStatus.IN_PROGRESS:
        raise Conflict("rights_not_in_progress", _("Start the request before carrying it out."))
    if rights_request.person is None:
        raise Conflict("rights_person_unknown", _("First choose the person this request concerns."))
    return rights_request.person


def rights_request_see_done(
    *, rights_request: RightsRequest, user: User, outcome: str = "", request: HttpRequest | None = None
) -> RightsRequest:
    """*see* is done once the export was made and handed over."""
    _require(user)
    carried_out(rights_request, RightsKind.SEE)
    if not rights_request_exported(rights_request):
        raise Conflict("rights_not_exported", _("Make the export of the person's information first."))
    outcome = outcome.strip()[:MAX_OUTCOME] or _("The export of the person's information was handed over.")
    return close_done(rights_request, user=user, outcome=outcome, request=request)


def rights_request_correct(
    *,
    rights_request: RightsRequest,
    user: User,
    person_version: int,
    values: Mapping[str, object],
    request: HttpRequest | None = None,
) -> RightsRequest:
    """*correct*: the person edit (with the version the staff member read) and done, together."""
    _require(user)
    person = carried_out(rights_request, RightsKind.CORRECT)
    with transaction.atomic():
        fields = person_edit(
            person=person,
            user=user,
            version=person_version,
            values=values,
            reason=_("rights request #%(pk)s") % {"pk": rights_request.pk},
            request=request,
        )
        if not fields:
            raise InvalidInput(
                "rights_nothing_corrected",
                _("Nothing was changed. If there is nothing to correct, refuse the request with the reason."),
            )
        outcome = _("Corrected: %(fields)s") % {"fields": "、".join(field_label(Person, field) for field in fields)}
        return close_done(rights_request, user=user, outcome=outcome, request=request, detail={"fields": fields})
