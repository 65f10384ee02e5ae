"""Staff edits of a person's file, and erasing one (a resident's correction or deletion request).

An edit carries the version the editor read: if the file changed since, the edit is a conflict
to review (SECURITY.md line 30), never a silent overwrite. Each changed field leaves a history
row with the old and new values masked (138****5678 → 139****1234), written with the same
value writer and masks as an import, so the person card shows every kind of change alike.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.normalize import clean_text
from qiaomen.core.phone import PhoneError, parse_phone
from qiaomen.registry.identity import PHONE_COLUMNS, phone_columns
from qiaomen.registry.importing.person_values import value_current, value_masked, value_set
from qiaomen.registry.models import DataSource, DoorCode, FieldConflict, Person, PhoneCorrection, RecordChange
from qiaomen.registry.services import record_change

# The fields staff may correct on a person's file, with their longest value. The ID number is
# not among them: a wrong ID number is a different person (re-import it from its source).
EDITABLE_FIELDS: dict[str, int] = {
    "name": 64,
    "phone": 32,
    "registered_address": 200,
    "remarks": 2000,
    "care_notes": 2000,
}
# What an erased person's name becomes: the row still counts in every figure, and names nobody.
ERASED_NAME = "已删除"
# Person columns an erasure empties (their derived index and mask go with them).
ERASED_TEXT_FIELDS = ("registered_address", "care_notes", "remarks")


def _cleaned(field: str, raw: object) -> str:
    text = clean_text(raw) if field in ("name", "phone", "registered_address") else str(raw or "").strip()
    if field == "name" and not text:
        raise InvalidInput("person_name_required", _("The name cannot be empty."), field=field)
    if len(text) > EDITABLE_FIELDS[field]:
        raise InvalidInput(
            "person_value_too_long",
            _("This value is too long (at most %(limit)s characters).") % {"limit": EDITABLE_FIELDS[field]},
            field=field,
        )
    if field == "phone" and text:
        try:
            return parse_phone(text)
        except PhoneError as exc:
            raise InvalidInput(exc.code, exc.message, field=field) from exc
    return text


def _claim(person: Person, version: int) -> None:
    """Claim the file at the version the editor read, or tell them someone changed it."""
    if not Person.objects.filter(pk=person.pk, version=version).update(version=F("version") + 1):
        raise Conflict(
            "person_changed",
            _("Someone changed this person's file since you opened it: reload it and make your correction again."),
        )


def person_edit(
    *,
    person: Person,
    user: User,
    version: int,
    values: Mapping[str, object],
    reason: str = "",
    request: HttpRequest | None = None,
) -> list[str]:
    """Correct fields of a person's file; returns the fields that changed (none: nothing written).

    Unknown fields and bad values are refused before anything is written.
    """
    if not user.can(Capability.EDIT_REGISTRY):
        raise Forbidden("edit_not_allowed", _("You are not allowed to edit people's files."))
    unknown = sorted(set(values) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput("person_field_unknown", _("These fields cannot be edited here."), fields=unknown)
    cleaned = {field: _cleaned(field, raw) for field, raw in values.items()}
    changed = {field: value for field, value in cleaned.items() if value != (value_current(person, field) or "")}
    if not changed:
        return []
    now = timezone.now()
    source = DataSource.objects.get(code="staff")
    origin = {"source": source.code, "at": now.isoformat(), "batch": None}
    with transaction.atomic():
        _claim(person, version)
        history: list[RecordChange] = []
        columns: set[str] = {"provenance", "updated_at"}
        for field, value in changed.items():
            old = str(value_current(person, field) or "")
            columns.update(value_set(person, field, value))
            person.provenance[field] = origin
            history.append(
                record_change(
                    object_type="person",
                    object_id=person.pk,
                    field=field,
                    old_masked=value_masked(field, old),
                    new_masked=value_masked(field, value),
                    at=now,
                    source=source,
                    actor=user,
                )
            )
        person.save(update_fields=sorted(columns))
        RecordChange.objects.bulk_create(history)
        audit_record(
            action="person.edit",
            actor=user,
            request=request,
            obj=person,
            detail={"fields": sorted(changed), "reason": reason[:200]},
        )
    person.refresh_from_db()
    return sorted(changed)


def _erased_columns() -> dict[str, Any]:
    return {
        "name": ERASED_NAME,
        "id_number": "",
        # The blind index is unique and must never match the old number again: a random value
        # that no ID number hashes to (an HMAC index is 64 hex digits; this one is not hex).
        "id_index": "erased-" + secrets.token_hex(24),
        "id_masked": "",
        **phone_columns(""),
        **dict.fromkeys(ERASED_TEXT_FIELDS, ""),
        "provenance": {},
    }


def person_erase(*, person: Person, user: User, version: int, request: HttpRequest | None = None) -> None:
    """Anonymise a person's file for good: no name, no ID number, phone, address or notes.

    The row stays (with gender, birth date, tags, household and status), so the figures that
    count people, households, special groups and their tickets stay right. Their personal QR
    code is revoked, open disagreements between sources and corrections sent from phones are
    dropped (they hold old values) and the masked values in their change history are blanked (a
    masked name and phone still narrow down who it was). Callers run this in the transaction that
    also erases the person's visits and tickets, so that an erasure is whole or not at all.
    """
    now = timezone.now()
    with transaction.atomic():
        _claim(person, version)
        for column, value in _erased_columns().items():
            setattr(person, column, value)
        person.save(update_fields=sorted({*_erased_columns(), *PHONE_COLUMNS, "updated_at"}))
        RecordChange.objects.filter(object_type="person", object_id=person.pk).update(old_masked="", new_masked="")
        FieldConflict.objects.filter(person=person).delete()
        PhoneCorrection.objects.filter(person=person).delete()  # they hold old and new values too
        DoorCode.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=now, revoked_by=user)
        audit_record(action="person.erase", actor=user, request=request, obj=person)
    person.refresh_from_db()
