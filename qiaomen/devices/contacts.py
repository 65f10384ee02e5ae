"""The household's emergency contacts and care notes, for whoever holds an alarm (issue 15).

Who holds it: someone who sees the alarm's device (the device page's rule, `ticket_alarm_for_user`)
and is the ticket's handler or one of the people its ladder has told (`alarm_holder_ids`). The
alarm is their need to know: they get the person the device serves, the household's other
members (name, relationship, masked phone), the device's backup contacts, and whether a member
has care notes, without the VIEW_SENSITIVE or UNMASK capability the registry asks for. Anybody
else gets nothing, whatever their role.

The full phone or the care notes are shown only on request, with a reason, one audit row each
(`person.unmask`, the ticket named as the basis), as the registry's `person_unmask` does
(SECURITY.md lines 4 and 7). Children under 14 are left out: they are nobody's emergency contact,
and their file needs the sensitive-data permission.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.audit import AuditResult, audit_record
from qiaomen.core.errors import Forbidden, InvalidInput, NotFound
from qiaomen.devices.alarms import LadderStep, alarm_holder_ids
from qiaomen.devices.models.acknowledgements import AlarmAcknowledgement
from qiaomen.devices.scope import devices_for_user
from qiaomen.registry.models import Person, PersonStatus
from qiaomen.registry.services import person_is_child

REVEALABLE = ("phone", "care_notes")
AUDIT_ACTION = "person.unmask"


@dataclass(frozen=True)
class ContactPerson:
    person: Person
    relationship: str
    phone_masked: str
    has_care_notes: bool
    served: bool  # the person the device serves (a wearable's or a button's wearer)


@dataclass(frozen=True)
class AlarmContacts:
    people: list[ContactPerson]
    backups: list[User]


def alarm_holds(*, user: User, ack: AlarmAcknowledgement, steps: list[LadderStep] | None = None) -> bool:
    """Whether `user` holds the alarm: sees its device (a department handler who accepted the
    ticket does not) and is its handler or someone the ladder told."""
    if not user.is_authenticated or user.pk not in alarm_holder_ids(ack, steps):
        return False
    return devices_for_user(user).filter(pk=ack.device_id).exists()


def _household_people(ack: AlarmAcknowledgement) -> list[Person]:
    people = Person.objects.filter(household_id=ack.device.household_id, status=PersonStatus.ACTIVE).order_by("pk")
    kept = [person for person in people if not person_is_child(person)]
    served = ack.device.person_id
    return sorted(kept, key=lambda person: (person.pk != served, person.pk))


def alarm_contacts(
    *, user: User, ack: AlarmAcknowledgement, steps: list[LadderStep] | None = None
) -> AlarmContacts | None:
    """The masked contacts of the alarm's household, or None for someone who does not hold it."""
    if not alarm_holds(user=user, ack=ack, steps=steps):
        return None
    people = [
        ContactPerson(
            person=person,
            relationship=person.get_relationship_display(),
            phone_masked=person.phone_masked,
            has_care_notes=bool(str(person.care_notes or "").strip()),
            served=person.pk == ack.device.person_id,
        )
        for person in _household_people(ack)
    ]
    backups = list(ack.device.backup_contacts.filter(is_active=True).order_by("pk"))
    return AlarmContacts(people=people, backups=backups)


def alarm_contact_reveal(
    *,
    user: User,
    ack: AlarmAcknowledgement,
    person_id: int,
    field: str,
    reason: str,
    request: HttpRequest | None = None,
) -> str:
    """The full phone or care notes of one person of the alarm's household, for a holder who gives
    a reason; one audit row. Someone who does not hold the alarm is refused (and the refusal
    logged); no reason, nothing shown and no row claiming it was."""
    if field not in REVEALABLE:
        raise InvalidInput("unmask_field", _("Only the full phone number or the care notes can be shown."))
    person = next((person for person in _household_people(ack) if person.pk == person_id), None)
    if person is None:
        raise NotFound("not_found", _("Not found."))
    if not alarm_holds(user=user, ack=ack):
        with transaction.atomic():
            audit_record(
                action=AUDIT_ACTION,
                actor=user,
                request=request,
                obj=person,
                result=AuditResult.DENIED,
                detail={"field": field, "ticket": ack.ticket_id},
            )
        raise Forbidden("alarm_not_held", _("Only whoever holds this alarm may see the household's details."))
    reason = reason.strip()
    if len(reason) < 2:
        raise InvalidInput("unmask_reason_required", _("Give a reason for viewing full details."))
    # Opened before the audit row: a value that does not decrypt raises, and no row claims it was shown.
    value = str(getattr(person, field) or "")
    with transaction.atomic():
        audit_record(
            action=AUDIT_ACTION,
            actor=user,
            request=request,
            obj=person,
            detail={"field": field, "reason": reason[:200], "ticket": ack.ticket_id, "basis": "device_alarm"},
        )
    return value
