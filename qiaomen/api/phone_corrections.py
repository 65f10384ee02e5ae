"""Corrections of a person's file made on the phone (a new phone number heard at the door):
POST /api/v1/phone/corrections sends one with the version of the file the phone held; applied
when the file is unchanged since, kept as a conflict for staff to review when it is not. GET
lists the caller's own corrections still waiting for review, so the phone shows them too."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from qiaomen.accounts.roles import Capability
from qiaomen.api.auth import api_user_with
from qiaomen.api.errors import responses
from qiaomen.registry.models import PhoneCorrection
from qiaomen.registry.phone_corrections import (
    correction_masked,
    corrections_open_for_user,
    person_correct_from_phone,
)
from qiaomen.registry.selectors import person_for_user


class CorrectionIn(Schema):
    client_uuid: uuid.UUID = Field(
        description="made by the phone; the same UUID again is answered with the first result"
    )
    person_id: int = Field(ge=1)
    field: Literal["phone", "name"]
    value: str = Field(max_length=64)
    version: int = Field(ge=1, description="the version of the person's file the phone held")
    made_at: dt.datetime = Field(description="the phone's time of the correction, ISO 8601 with offset")


class CorrectionOut(Schema):
    id: int
    client_uuid: uuid.UUID
    person_id: int
    person_name: str
    field: str
    status: str = Field(description="applied, or conflict: the file changed since, kept for staff to review")
    current_masked: str = Field(description="the file's value now, masked")
    phone_masked: str = Field(description="the phone's value, masked")


router = Router(tags=["phone app"])


def _correction(correction: PhoneCorrection) -> dict[str, Any]:
    current, phone = correction_masked(correction)
    return {
        "id": correction.pk,
        "client_uuid": correction.client_uuid,
        "person_id": correction.person_id,
        "person_name": correction.person.name,
        "field": correction.field,
        "status": correction.status,
        "current_masked": current,
        "phone_masked": phone,
    }


@router.post(
    "/phone/corrections",
    response=responses(CorrectionOut, 400, 401, 403, 404, 409, 422, ok_status=201),
    url_name="phone_corrections",
)
def correction_create(request: HttpRequest, payload: CorrectionIn) -> Status[dict[str, Any]]:
    """Correct a person's phone number or name from the phone. A person outside the caller's
    places answers 404; a bad value 422 and nothing is kept."""
    user = api_user_with(request, Capability.EDIT_REGISTRY)
    person = person_for_user(user, payload.person_id)
    correction, _created = person_correct_from_phone(
        person=person,
        user=user,
        client_uuid=payload.client_uuid,
        field=payload.field,
        value=payload.value,
        version=payload.version,
        made_at=payload.made_at,
        request=request,
    )
    correction.person.refresh_from_db()
    return Status(201, _correction(correction))


@router.get("/phone/corrections", response=responses(list[CorrectionOut], 401, 403), url_name="phone_corrections")
def correction_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's own corrections that met a newer file and wait for review."""
    user = api_user_with(request, Capability.EDIT_REGISTRY)
    return [_correction(c) for c in corrections_open_for_user(user).filter(made_by=user)]
