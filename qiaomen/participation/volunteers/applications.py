"""Residents' offers to volunteer, sent from their household's QR page (R-PAR-3): the offer names
the household only; community staff accept it into a Volunteer, choosing the person from the
household's members, or decline it."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.core.transitions import claim_transition
from qiaomen.participation.models.volunteers import ApplicationStatus, Volunteer, VolunteerApplication
from qiaomen.participation.volunteers.enrolment import volunteer_enrol
from qiaomen.registry.models import Household, Person

# One household has at most this many offers waiting: the QR page is rate-limited as well, this
# keeps a forwarded code from filling the staff's queue.
PENDING_PER_HOUSEHOLD = 3


def application_receive(
    *, household: Household, skills: str, availability: str, request: HttpRequest | None = None
) -> VolunteerApplication:
    skills, availability = skills.strip(), availability.strip()
    if not skills and not availability:
        raise InvalidInput("application_empty", _("Tell us what you can do or when you are free."))
    with transaction.atomic():
        waiting = VolunteerApplication.objects.filter(household=household, status=ApplicationStatus.PENDING).count()
        if waiting >= PENDING_PER_HOUSEHOLD:
            raise Conflict("applications_waiting", _("Your household's offers are waiting for the community's answer."))
        row = VolunteerApplication.objects.create(
            household=household, skills=skills[:200], availability=availability[:200], received_at=timezone.now()
        )
        audit_record(action="volunteer_application.receive", request=request, obj=row)
    return row


def application_accept(
    *, application: VolunteerApplication, person: Person, actor: User, request: HttpRequest | None = None
) -> Volunteer:
    """Enrol the chosen member of the applying household in its grid."""
    if person.household_id != application.household_id:
        raise InvalidInput("person_not_of_household", _("Choose a member of the household that applied."))
    with transaction.atomic():
        volunteer = volunteer_enrol(
            person=person,
            grid=application.household.building.grid,
            actor=actor,
            skills=application.skills,
            availability=application.availability,
            request=request,
        )
        claim_transition(
            row=application,
            to_state=ApplicationStatus.ACCEPTED,
            action="accept",
            actor=actor,
            changes={"volunteer": volunteer},
            request=request,
        )
    return volunteer


def application_decline(
    *, application: VolunteerApplication, actor: User, reason: str, request: HttpRequest | None = None
) -> VolunteerApplication:
    if not reason.strip():
        raise InvalidInput("reason_missing", _("Say why the offer is declined."))
    return claim_transition(
        row=application, to_state=ApplicationStatus.DECLINED, action="decline", actor=actor, reason=reason.strip()
    )
