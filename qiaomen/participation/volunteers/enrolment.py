"""Enrolment and teams (R-PAR-1): a volunteer is a registry person serving a grid; a team is one
grid worker and at most five volunteers of that grid; each member looks after N households of it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import PlaceAssignment, User
from qiaomen.accounts.roles import Role
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.core.transitions import claim_transition
from qiaomen.participation.models.volunteers import (
    TEAM_SIZE,
    CareAssignment,
    Team,
    TrainingRecord,
    Volunteer,
    VolunteerStatus,
)
from qiaomen.participation.volunteers.selectors import accounts_free_to_link
from qiaomen.places.models import Grid
from qiaomen.registry.models import Household, Person


def volunteer_enrol(
    *,
    person: Person,
    grid: Grid,
    actor: User,
    skills: str = "",
    availability: str = "",
    user: User | None = None,
    request: HttpRequest | None = None,
) -> Volunteer:
    """Make a registry person a volunteer of `grid` (of their own street), optionally with the
    account they sign in with (role "volunteer")."""
    household = person.household
    if household is None or household.building.grid.community.street_id != grid.community.street_id:
        raise InvalidInput("volunteer_not_of_street", _("A volunteer must live in the street of the grid they serve."))
    if user is not None:
        _check_account(user, actor)
    try:
        with transaction.atomic():
            volunteer = Volunteer.objects.create(
                person=person,
                grid=grid,
                user=user,
                skills=skills.strip(),
                availability=availability.strip(),
                joined_on=timezone.localdate(),
            )
            audit_record(action="volunteer.enrol", actor=actor, request=request, obj=volunteer)
    except IntegrityError as exc:
        raise Conflict("volunteer_exists", _("This person is already a volunteer.")) from exc
    return volunteer


def _check_account(user: User, actor: User) -> None:
    if user.role != Role.VOLUNTEER:
        raise InvalidInput("account_not_volunteer", _("The account must have the volunteer role."))
    if Volunteer.objects.filter(user=user).exists():
        raise Conflict("account_taken", _("This account already belongs to another volunteer."))
    # Only an account the actor keeps on the user pages: never one of another street.
    if not accounts_free_to_link(actor).filter(pk=user.pk).exists():
        raise InvalidInput("account_out_of_reach", _("This account is not one of the accounts you keep."))


def volunteer_link_account(
    *, volunteer: Volunteer, user: User, actor: User, request: HttpRequest | None = None
) -> Volunteer:
    """Give a volunteer enrolled without one the account they sign in with."""
    if volunteer.user_id is not None:
        raise Conflict("volunteer_has_account", _("This volunteer already signs in with an account."))
    _check_account(user, actor)
    try:
        return claim_transition(
            row=volunteer, to_state=None, action="link_account", actor=actor, changes={"user": user}, request=request
        )
    except IntegrityError as exc:  # linked to another volunteer since _check_account looked
        raise Conflict("account_taken", _("This account already belongs to another volunteer.")) from exc


def volunteer_set_status(*, volunteer: Volunteer, status: str, actor: User, reason: str) -> Volunteer:
    """Pause, resume or end a volunteer's service, saying why. Leaving also frees their team place."""
    if not reason.strip():
        raise InvalidInput("reason_missing", _("Say why the volunteer's service changes."))
    reason = reason.strip()
    with transaction.atomic():
        if status == VolunteerStatus.LEFT and volunteer.team_id is not None:
            volunteer = team_remove(volunteer=volunteer, actor=actor)
        return claim_transition(row=volunteer, to_state=status, action=f"status_{status}", actor=actor, reason=reason)


def team_create(*, grid: Grid, leader: User, name: str, actor: User) -> Team:
    """A team led by a grid worker assigned to `grid`."""
    name = name.strip()
    if not name:
        raise InvalidInput("team_name_missing", _("Give the team a name."))
    if leader.role != Role.GRID_WORKER or not PlaceAssignment.objects.filter(user=leader, grid=grid).exists():
        raise InvalidInput("leader_not_grid_worker", _("A team is led by a grid worker of its own grid."))
    try:
        with transaction.atomic():
            team = Team.objects.create(grid=grid, leader=leader, name=name, created_at=timezone.now())
            audit_record(action="team.create", actor=actor, obj=team)
    except IntegrityError as exc:
        raise Conflict("team_name_taken", _("The grid already has a team of that name.")) from exc
    return team


def team_add(*, team: Team, volunteer: Volunteer, actor: User) -> Volunteer:
    """Put a volunteer of the team's grid into the team: the sixth is refused."""
    if volunteer.grid_id != team.grid_id:
        raise InvalidInput("team_other_grid", _("A volunteer joins a team of the grid they serve."))
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise InvalidInput("volunteer_not_active", _("Only an active volunteer joins a team."))
    if volunteer.team_id is not None:
        raise Conflict("already_in_team", _("This volunteer is already in a team."))
    with transaction.atomic():
        # Claim a place: of two enrolments at once only one takes the fifth.
        claimed = Team.objects.filter(pk=team.pk, member_count__lt=TEAM_SIZE).update(member_count=F("member_count") + 1)
        if not claimed:
            raise Conflict(
                "team_full",
                _("The team already has %(size)s volunteers: a grid worker leads at most five.") % {"size": TEAM_SIZE},
            )
        return claim_transition(
            row=volunteer,
            to_state=None,
            action="join_team",
            actor=actor,
            changes={"team": team},
            from_states=[VolunteerStatus.ACTIVE],
            detail={"team": team.pk},
        )


def team_remove(*, volunteer: Volunteer, actor: User) -> Volunteer:
    """Take a volunteer out of their team; the households they looked after are freed too."""
    team_id = volunteer.team_id
    if team_id is None:
        raise InvalidInput("not_in_team", _("This volunteer is in no team."))
    with transaction.atomic():
        CareAssignment.objects.filter(volunteer=volunteer).delete()
        Team.objects.filter(pk=team_id).update(member_count=F("member_count") - 1)
        return claim_transition(
            row=volunteer,
            to_state=None,
            action="leave_team",
            actor=actor,
            changes={"team": None},
            detail={"team": team_id},
        )


def care_assign(*, volunteer: Volunteer, household: Household, actor: User) -> CareAssignment:
    """The volunteer looks after this household of their grid (the N of 1 + 5 + N)."""
    if volunteer.team_id is None:
        raise InvalidInput("not_in_team", _("A volunteer looks after households once they are in a team."))
    if household.building.grid_id != volunteer.grid_id:
        raise InvalidInput("household_other_grid", _("A volunteer looks after households of the grid they serve."))
    try:
        with transaction.atomic():
            row = CareAssignment.objects.create(volunteer=volunteer, household=household, since=timezone.localdate())
            audit_record(action="volunteer.care_assign", actor=actor, obj=volunteer, detail={"household": household.pk})
    except IntegrityError as exc:
        raise Conflict("household_looked_after", _("Another volunteer already looks after this household.")) from exc
    return row


def care_release(*, volunteer: Volunteer, household: Household, actor: User) -> None:
    with transaction.atomic():
        removed, _rows = CareAssignment.objects.filter(volunteer=volunteer, household=household).delete()
        if not removed:
            raise InvalidInput("not_looked_after", _("This volunteer does not look after that household."))
        audit_record(action="volunteer.care_release", actor=actor, obj=volunteer, detail={"household": household.pk})


def training_record(
    *, volunteer: Volunteer, title: str, hours: Decimal, completed_on: dt.date, actor: User
) -> TrainingRecord:
    title = title.strip()
    if not title:
        raise InvalidInput("training_title_missing", _("Name the course."))
    if not Decimal("0") < hours <= Decimal("100"):
        raise InvalidInput("training_hours", _("Training hours are more than 0 and at most 100."))
    with transaction.atomic():
        row = TrainingRecord.objects.create(
            volunteer=volunteer, title=title, hours=hours, completed_on=completed_on, recorded_by=actor
        )
        audit_record(action="volunteer.training", actor=actor, obj=volunteer, detail={"training": row.pk})
    return row
