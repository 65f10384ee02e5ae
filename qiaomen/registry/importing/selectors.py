"""Imports and open conflicts as a user may see them.

A batch is seen by the staff member who uploaded it (its preview was checked against their
places); conflicts are seen within the user's places, through `persons_for_user`. Anything else
is a 404, exactly as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import Promise

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.registry.importing.person_values import field_label, value_masked
from qiaomen.registry.models import ConflictStatus, DataSource, FieldConflict, ImportBatch
from qiaomen.registry.selectors import persons_for_user


def import_sources() -> QuerySet[DataSource]:
    """The departments a file may be imported from: the demo data's source is none of them."""
    return DataSource.objects.exclude(code="demo")


def import_batch_for_user(user: User, pk: int) -> ImportBatch:
    batch = (
        ImportBatch.objects.select_related("source").filter(pk=pk, created_by=user).first()
        if user.can(Capability.IMPORT)
        else None
    )
    if batch is None:
        raise Http404
    return batch


def conflicts_open_for_user(user: User) -> QuerySet[FieldConflict]:
    if not user.can(Capability.IMPORT):
        return FieldConflict.objects.none()
    return (
        FieldConflict.objects.filter(status=ConflictStatus.OPEN, person__in=persons_for_user(user))
        .select_related("person", "current_source", "incoming_source", "batch")
        .order_by("created_at", "pk")
    )


def conflict_for_user(user: User, pk: int) -> FieldConflict:
    conflict = conflicts_open_for_user(user).filter(pk=pk).first()
    if conflict is None:
        raise Http404
    return conflict


@dataclass(frozen=True)
class ConflictView:
    """One open conflict as the page shows it: both values masked, both sources named."""

    conflict: FieldConflict
    field_label: Promise | str
    current: str
    incoming: str


def conflict_views(conflicts: list[FieldConflict]) -> list[ConflictView]:
    return [
        ConflictView(
            conflict=conflict,
            field_label=field_label(conflict.field),
            current=value_masked(conflict.field, conflict.current_value),
            incoming=value_masked(conflict.field, conflict.incoming_value),
        )
        for conflict in conflicts
    ]
