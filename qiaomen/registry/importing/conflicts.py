"""Deciding a disagreement between two sources, field by field (R-REG-3).

An import never overwrites another source's value: it keeps both in a `FieldConflict`. An admin
keeps the current value or takes the other one; taking it writes the value with its history
and provenance, exactly as an import by that source would have.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.places.addresses import address_key
from qiaomen.places.models import Street
from qiaomen.registry.importing.person_values import separated_flag, value_current, value_masked, value_set
from qiaomen.registry.models import ConflictStatus, FieldConflict, Household, Person, RecordChange
from qiaomen.registry.services import record_change


def _value_take(conflict: FieldConflict, *, user: User) -> None:
    """Apply the incoming value of a conflict to the person, with history and provenance."""
    person = (
        Person.objects.select_for_update(of=("self",)).select_related("household__building").get(pk=conflict.person_id)
    )
    street_names = tuple(Street.objects.values_list("name", flat=True))
    name, source, now = conflict.field, conflict.incoming_source, timezone.now()
    old_text = str(person.household or "") if name == "household" else str(value_current(person, name) or "")
    value: object = conflict.incoming_value
    if name == "household":
        key = address_key(conflict.incoming_value, street_names=street_names)
        value = Household.objects.filter(address_key=key).values_list("pk", flat=True).first()
        if value is None:
            raise InvalidInput(
                "conflict_address_unplaced", _("This address no longer matches a household, so it cannot be used.")
            )
    origin = {"source": source.code, "at": now.isoformat(), "batch": conflict.batch_id}

    def history(field: str, old_masked: str, new_masked: str) -> RecordChange:
        return record_change(
            object_type="person",
            object_id=person.pk,
            field=field,
            old_masked=old_masked,
            new_masked=new_masked,
            at=now,
            source=source,
            actor=user,
            batch=conflict.batch,
        )

    columns = {*value_set(person, name, value), "provenance", "version", "updated_at"}
    person.provenance[name] = origin
    changes = [history(name, value_masked(name, old_text), value_masked(name, conflict.incoming_value))]
    if name in ("registered_address", "household"):
        household_key = (
            Household.objects.filter(pk=person.household_id).values_list("address_key", flat=True).first()
            if person.household_id is not None
            else None
        )
        registered = person.registered_address
        registered_key = address_key(registered, street_names=street_names) if registered else ""
        separated = separated_flag(registered_key, household_key)
        if separated != person.separated:
            changes.append(history("separated", str(person.separated), str(separated)))
            person.separated = separated
            person.provenance["separated"] = origin
            columns.add("separated")
    person.version += 1
    person.save(update_fields=sorted(columns))
    RecordChange.objects.bulk_create(changes)


def conflict_resolve(
    *, conflict: FieldConflict, user: User, keep: str, request: HttpRequest | None = None
) -> FieldConflict:
    """An admin decides a disagreement: keep the current value or take the other source's.

    The conflict is claimed with a conditional update, so two admins deciding at once cannot
    both apply a value; the second is told it is already decided.
    """
    if not user.can(Capability.IMPORT):
        raise Forbidden("import_not_allowed", _("You are not allowed to resolve data conflicts."))
    if keep not in ("current", "incoming"):
        raise InvalidInput(
            "conflict_keep_invalid", _("Choose to keep the current value or take the other source's value.")
        )
    status = ConflictStatus.KEPT_CURRENT if keep == "current" else ConflictStatus.TOOK_INCOMING
    with transaction.atomic():
        claimed = FieldConflict.objects.filter(pk=conflict.pk, status=ConflictStatus.OPEN).update(
            status=status, resolved_by=user, resolved_at=timezone.now()
        )
        if not claimed:
            raise Conflict("conflict_already_resolved", _("This conflict has already been resolved."))
        conflict.refresh_from_db()
        if keep == "incoming":
            _value_take(conflict, user=user)
        audit_record(
            action="registry.conflict_resolve",
            actor=user,
            request=request,
            obj=conflict,
            detail={"person_id": conflict.person_id, "field": conflict.field, "keep": keep},
        )
    return conflict
