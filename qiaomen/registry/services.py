"""Writes to the registry that are not imports: history rows, audited views and unmasking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Forbidden, InvalidInput
from qiaomen.core.idnumber import age_on, birth_date_of
from qiaomen.core.models import AuditResult
from qiaomen.registry.models import DataSource, ImportBatch, Person, RecordChange

if TYPE_CHECKING:
    from qiaomen.registry.selectors import HouseholdView

UNMASKABLE_FIELDS = ("id_number", "phone")
CHILD_AGE_LIMIT = 14


def record_change(
    *,
    object_type: str,
    object_id: int,
    field: str,
    old_masked: str,
    new_masked: str,
    at: dt.datetime,
    source: DataSource | None = None,
    actor: User | None = None,
    batch: ImportBatch | None = None,
) -> RecordChange:
    """Unsaved history row; callers bulk-create them in the same transaction as the change."""
    return RecordChange(
        object_type=object_type,
        object_id=object_id,
        field=field,
        old_masked=old_masked[:200],
        new_masked=new_masked[:200],
        source=source,
        actor=actor,
        batch=batch,
        at=at,
    )


def person_birth_date(person: Person) -> dt.date:
    """The exact birth date, from the decrypted ID number: the row keeps at most the year."""
    return birth_date_of(person.id_number)


def person_age(person: Person, *, on: dt.date | None = None) -> int:
    return age_on(person_birth_date(person), on or timezone.localdate())


def person_is_child(person: Person, *, on: dt.date | None = None) -> bool:
    """Under 14 on the exact birth date, never on the year alone."""
    return person_age(person, on=on) < CHILD_AGE_LIMIT


def person_needs_sensitive_permission(person: Person) -> bool:
    """Children under 14 are protected like health data (SECURITY.md line 7)."""
    return person_is_child(person)


def person_view_record(*, user: User, person: Person, request: HttpRequest | None = None) -> None:
    """One audit row per view of a person's file; a child's file needs the sensitive permission.

    Raises Forbidden (after logging the refusal) when the user may not open this file.
    """
    sensitive = person_needs_sensitive_permission(person)
    if sensitive and not user.can(Capability.VIEW_SENSITIVE):
        audit_record(
            action="person.view",
            actor=user,
            request=request,
            obj=person,
            result=AuditResult.DENIED,
            detail={"reason": "child_under_14"},
        )
        raise Forbidden(
            "sensitive_record", _("Viewing the record of a child under 14 requires the sensitive-data permission.")
        )
    audit_record(
        action="person.view",
        actor=user,
        request=request,
        obj=person,
        # `sensitive`: the card shows health data (notes, health tags) or a child's file.
        detail={"sensitive": sensitive or user.can(Capability.VIEW_SENSITIVE), "child": sensitive},
    )


def household_views_record(
    *, user: User, views: Sequence[HouseholdView], request: HttpRequest | None = None, obj: object = None
) -> None:
    """One audit row for a page or an answer that shows children under 14 or health tags
    (SECURITY.md line 7): who was shown, never what. Nothing is written when it shows neither;
    the views come from the registry selectors, which already left out what this user may not see.
    """
    children = sorted(m.person.pk for view in views for m in view.members if m.age < CHILD_AGE_LIMIT)
    health = sorted(m.person.pk for view in views for m in view.members if any(t.is_sensitive for t in m.tags))
    if not children and not health:
        return
    with transaction.atomic():
        audit_record(
            action="registry.sensitive_view",
            actor=user,
            request=request,
            obj=obj,
            detail={"children": children, "health": health},
        )


def person_unmask(*, user: User, person: Person, field: str, reason: str, request: HttpRequest | None = None) -> str:
    """The full value of an ID number or phone, for a stated reason, with one audit row."""
    if field not in UNMASKABLE_FIELDS:
        raise InvalidInput("unmask_field", _("Only the full ID number or phone number can be revealed."))
    reason = reason.strip()
    if not user.can(Capability.UNMASK):
        with transaction.atomic():
            audit_record(
                action="person.unmask",
                actor=user,
                request=request,
                obj=person,
                result=AuditResult.DENIED,
                detail={"field": field},
            )
        raise Forbidden("unmask_not_allowed", _("You are not allowed to view full details."))
    if len(reason) < 2:
        raise InvalidInput("unmask_reason_required", _("Give a reason for viewing full details."))
    # Opened before the audit row: a value that does not decrypt (tampered, or copied from another
    # row) raises here, and no row claims that a full value was shown.
    value = str(getattr(person, field))
    with transaction.atomic():
        audit_record(
            action="person.unmask",
            actor=user,
            request=request,
            obj=person,
            detail={"field": field, "reason": reason[:200]},
        )
    return value
