"""*see*: everything held about a person, as one xlsx workbook (PIPL art. 45).

Sheets: the person's file decrypted (ID number, phone, notes), their household, the visits to
it, their tickets, their tags and the change history of their file (masked, as kept). Every
cell passes `spreadsheet_safe`, so a name or a note such as =HYPERLINK(…) is shown, never run.
Other members of the household are left out: their data is not the requester's to see.
Each export is one history step and one audit row of the request.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import Forbidden
from qiaomen.core.normalize import spreadsheet_safe
from qiaomen.core.transitions import claim_transition
from qiaomen.registry.models import Person, RecordChange, RightsKind, RightsRequest
from qiaomen.registry.selectors import field_label
from qiaomen.registry.services import person_birth_date
from qiaomen.tickets.models import Ticket
from qiaomen.tickets.rights.requests import carried_out
from qiaomen.tickets.rights.selectors import HANDLE_RIGHTS
from qiaomen.visits.models import Visit

Rows = Iterable[Sequence[object]]
# Full values leave the system in this file: the permissions of unmasking and of sensitive data.
EXPORT_RIGHTS = (HANDLE_RIGHTS, Capability.UNMASK, Capability.VIEW_SENSITIVE)


def _local(moment: object) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""  # type: ignore[arg-type]


def _person_rows(person: Person) -> Rows:
    yield _("Field"), _("Value")
    for field in ("name", "id_number", "phone", "gender", "registered_address"):
        value = getattr(person, f"get_{field}_display")() if field == "gender" else getattr(person, field)
        yield field_label(Person, field), str(value or "")
    # The row keeps at most the birth year (hole 1); the person's own export gives the exact date,
    # read from the decrypted ID number.
    yield _("birth date"), person_birth_date(person).isoformat() if person.id_number else ""
    yield field_label(Person, "resident_type"), person.get_resident_type_display()
    yield field_label(Person, "relationship"), person.get_relationship_display()
    yield field_label(Person, "status"), person.get_status_display()
    yield field_label(Person, "care_notes"), person.care_notes
    yield field_label(Person, "remarks"), person.remarks
    yield _("Tags"), "、".join(tag.name for tag in person.tags.all())


def _household_rows(person: Person) -> Rows:
    yield _("Address"), _("Status"), _("Relationship to head")
    if person.household is not None:
        yield str(person.household), person.household.get_status_display(), person.get_relationship_display()


def _visit_rows(person: Person) -> Rows:
    yield _("Visited at"), _("Type"), _("Outcome"), _("Notes"), _("Answers")
    if person.household_id is None:
        return
    visits = Visit.objects.filter(household_id=person.household_id).select_related("visit_type").order_by("visited_at")
    for visit in visits:
        answers = "；".join(f"{code}: {value}" for code, value in sorted(visit.answers.items()))
        kind = visit.visit_type.name if visit.visit_type else ""
        yield _local(visit.visited_at), kind, visit.get_outcome_display(), visit.notes, answers


def _ticket_rows(person: Person) -> Rows:
    yield _("Number"), _("Received"), _("Category"), _("Status"), _("Description"), _("Resolution")
    for ticket in Ticket.objects.filter(person=person).select_related("subcategory").order_by("created_at"):
        yield (
            ticket.pk,
            _local(ticket.created_at),
            ticket.subcategory.name,
            ticket.get_status_display(),
            ticket.description,
            ticket.resolution_note,
        )


def _history_rows(person: Person) -> Rows:
    yield _("Time"), _("Field"), _("Old value (masked)"), _("New value (masked)")
    for change in RecordChange.objects.filter(object_type="person", object_id=person.pk).order_by("at", "pk"):
        yield _local(change.at), field_label(Person, change.field), change.old_masked, change.new_masked


def person_workbook(person: Person) -> bytes:
    sheets = [
        (_("Person"), _person_rows(person)),
        (_("Household"), _household_rows(person)),
        (_("Visits"), _visit_rows(person)),
        (_("Tickets"), _ticket_rows(person)),
        (_("Change history"), _history_rows(person)),
    ]
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([spreadsheet_safe(str(value) if not isinstance(value, int) else value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rights_request_export(
    *, rights_request: RightsRequest, user: User, request: HttpRequest | None = None
) -> tuple[RightsRequest, bytes]:
    """The workbook of a *see* request in progress, recorded (one history step, one audit row)."""
    if not all(user.can(capability) for capability in EXPORT_RIGHTS):
        raise Forbidden("rights_export_not_allowed", _("You are not allowed to export a person's information."))
    person = carried_out(rights_request, RightsKind.SEE)
    content = person_workbook(person)
    rights_request = claim_transition(
        row=rights_request,
        to_state=None,
        action="export",
        actor=user,
        request=request,
        audit_detail={"person_id": person.pk, "bytes": len(content)},
    )
    return rights_request, content
