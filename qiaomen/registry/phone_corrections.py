"""Corrections of people's files sent from grid workers' phones, and the review of those that
met a newer version of the file (SECURITY.md line 30: a stale edit becomes a conflict to review,
never a silent overwrite; here it is kept on both sides, the phone shows it and staff decide).

Writes and the two reads the pages need, in one small module: they share the status rules.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.idempotency import create_once
from qiaomen.registry.importing.person_values import value_current, value_masked
from qiaomen.registry.models import CorrectionStatus, Person, PhoneCorrection
from qiaomen.registry.person_edit import person_edit
from qiaomen.registry.selectors import persons_for_user

# What a phone may correct: what a worker at the door can check with the resident.
PHONE_FIELDS = ("phone", "name")


def person_correct_from_phone(
    *,
    person: Person,
    user: User,
    client_uuid: uuid.UUID,
    field: str,
    value: str,
    version: int,
    made_at: dt.datetime,
    request: HttpRequest | None = None,
) -> tuple[PhoneCorrection, bool]:
    """(correction, created). Applied when the file is still at `version`; kept as a conflict
    for review when it changed since. A resend of the same `client_uuid` returns the first."""
    if field not in PHONE_FIELDS:
        raise InvalidInput("correction_field_unknown", _("This field cannot be corrected from a phone."), field=field)

    def find() -> PhoneCorrection | None:
        found = PhoneCorrection.objects.filter(client_uuid=client_uuid).first()
        if found is not None and (found.made_by_id != user.pk or found.person_id != person.pk):
            raise Conflict("correction_uuid_taken", _("This correction's id is already used for another one."))
        return found

    def create() -> PhoneCorrection:
        status = CorrectionStatus.APPLIED
        try:
            person_edit(
                person=person, user=user, version=version, values={field: value}, reason="phone", request=request
            )
        except Conflict:
            status = CorrectionStatus.CONFLICT
        correction = PhoneCorrection.objects.create(
            client_uuid=client_uuid,
            person=person,
            field=field,
            value=str(value).strip(),
            version_read=version,
            made_by=user,
            made_at=made_at,
            received_at=timezone.now(),
            status=status,
        )
        if status == CorrectionStatus.CONFLICT:
            audit_record(
                action="person.edit_conflict", actor=user, request=request, obj=person, detail={"field": field}
            )
        return correction

    return create_once(find=find, create=create)


def correction_resolve(
    *, correction: PhoneCorrection, user: User, take: bool, request: HttpRequest | None = None
) -> None:
    """Staff decide a conflict: take the phone's value (over the file as it is now) or keep the
    current one. Decided once: a second decision is a Conflict and changes nothing."""
    if not user.can(Capability.EDIT_REGISTRY):
        raise Forbidden("edit_not_allowed", _("You are not allowed to edit people's files."))
    new = CorrectionStatus.TOOK_PHONE if take else CorrectionStatus.KEPT_CURRENT
    with transaction.atomic():
        claimed = PhoneCorrection.objects.filter(pk=correction.pk, status=CorrectionStatus.CONFLICT).update(
            status=new, resolved_by=user, resolved_at=timezone.now()
        )
        if not claimed:
            raise Conflict("correction_decided", _("This correction has already been decided."))
        if take:
            person = Person.objects.get(pk=correction.person_id)
            person_edit(
                person=person,
                user=user,
                version=person.version,
                values={correction.field: correction.value},
                reason="phone correction reviewed",
                request=request,
            )
        audit_record(
            action="person.edit_conflict_resolve",
            actor=user,
            request=request,
            obj=correction.person,
            detail={"field": correction.field, "decision": new},
        )


def corrections_open_for_user(user: User) -> QuerySet[PhoneCorrection]:
    """Conflicts waiting for review in the user's places, oldest first."""
    return (
        PhoneCorrection.objects.filter(status=CorrectionStatus.CONFLICT, person__in=persons_for_user(user))
        .select_related("person", "made_by")
        .order_by("received_at", "pk")
    )


def correction_for_user(user: User, pk: int) -> PhoneCorrection:
    correction = corrections_open_for_user(user).filter(pk=pk).first()
    if correction is None:
        raise Http404
    return correction


def correction_masked(correction: PhoneCorrection) -> tuple[str, str]:
    """(the file's current value, the phone's value), both masked as the person card shows them."""
    current = str(value_current(correction.person, correction.field) or "")
    return value_masked(correction.field, current), value_masked(correction.field, correction.value)
