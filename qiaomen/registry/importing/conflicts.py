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
from qiaomen.registry.models import ConflictStatus, DataSource, FieldConflict, Household, Person, RecordChange
from qiaomen.registry.services import record_change


def _person_locked(conflict: FieldConflict) -> Person:
    return (
        Person.objects.select_for_update(of=("self",)).select_related("household__building").get(pk=conflict.person_id)
    )


def _current_text(person: Person, name: str) -> str:
    """The person's value as a conflict records it (a household by its address)."""
    return str(person.household or "") if name == "household" else str(value_current(person, name) or "")


def _current_refreshed(conflict: FieldConflict) -> bool:
    """Whether the person's value moved on since the conflict was recorded (a later import, a
    correction). If so the conflict is brought up to date, to be decided again on what is there
    now: taking the other value would silently overwrite a change the admin never saw."""
    if not FieldConflict.objects.filter(pk=conflict.pk, status=ConflictStatus.OPEN).exists():
        return False  # decided meanwhile: the claim says so
    person = _person_locked(conflict)
    now_text = _current_text(person, conflict.field)
    if now_text == conflict.current_value:
        return False
    stated_by = (person.provenance.get(conflict.field) or {}).get("source", "")
    conflict.current_value = now_text
    conflict.current_source = DataSource.objects.filter(code=stated_by).first()
    conflict.save(update_fields=["current_value", "current_source"])
    return True


def _value_take(conflict: FieldConflict, *, user: User) -> None:
    """Apply the incoming value of a conflict to the person, with history and provenance."""
    person = _person_locked(conflict)
    street_names = tuple(Street.objects.values_list("name", flat=True))
    name, source, now = conflict.field, conflict.incoming_source, timezone.now()
    old_text = _current_text(person, name)
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
    both apply a value; the second is told it is already decided. Taking the other value when the
    person's value changed since the conflict was shown is refused (SECURITY.md line 30): the
    conflict then shows the value there now and waits for a new decision.
    """
    if not user.can(Capability.IMPORT):
        raise Forbidden("import_not_allowed", _("You are not allowed to resolve data conflicts."))
    if keep not in ("current", "incoming"):
        raise InvalidInput(
            "conflict_keep_invalid", _("Choose to keep the current value or take the other source's value.")
        )
    with transaction.atomic():
        # Not rolled back with the refusal: the refreshed conflict is what the admin decides on next.
        stale = keep == "incoming" and _current_refreshed(conflict)
        if not stale:
            _conflict_decide(conflict, user=user, keep=keep, request=request)
    if stale:
        raise Conflict(
            "conflict_value_changed",
            _("The current value changed since this conflict was recorded: check it and decide again."),
        )
    return conflict


def _conflict_decide(conflict: FieldConflict, *, user: User, keep: str, request: HttpRequest | None) -> None:
    status = ConflictStatus.KEPT_CURRENT if keep == "current" else ConflictStatus.TOOK_INCOMING
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
