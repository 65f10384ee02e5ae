"""Reads of the volunteers' area: a volunteer's card, the ledger, the command centre's figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import PlaceScope
from qiaomen.accounts.selectors_users import users_for_manager
from qiaomen.participation.figure import ResourceFigure
from qiaomen.participation.models.volunteer_points import PointsEntry, ServiceRecord, ServiceStatus
from qiaomen.participation.models.volunteers import CareAssignment, Volunteer, VolunteerStatus
from qiaomen.places.models import Grid
from qiaomen.tickets.models import Ticket
from qiaomen.visits.models import Visit

ERRAND = "LIF-ERR"  # 代办跑腿: the errands volunteers run for residents

# The plan's count of door-knocking volunteers (R-PAR-1).
VOLUNTEER_GOAL = 200


def accounts_free_to_link(by: User) -> QuerySet[User]:
    """Volunteer accounts not yet linked to a volunteer record that `by` keeps on the user pages
    (their places, or placeless ones of their street): the ones an enrolment by them may take."""
    return (
        users_for_manager(by).filter(role=Role.VOLUNTEER, volunteer__isnull=True, is_active=True).order_by("username")
    )


def team_leaders(grids: QuerySet[Grid]) -> QuerySet[User]:
    """Who may lead a team of these grids: their active grid workers (the 1 of 1 + 5 + N)."""
    return User.objects.filter(role=Role.GRID_WORKER, places__grid__in=grids, is_active=True).distinct()


def ledger_of(volunteer: Volunteer) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(volunteer=volunteer).select_related("item", "service").order_by("-seq")


def care_of(volunteer: Volunteer) -> QuerySet[CareAssignment]:
    return CareAssignment.objects.filter(volunteer=volunteer).select_related("household__building")


def confirmed_hours(volunteers: QuerySet[Volunteer]) -> dict[int, Decimal]:
    rows = (
        ServiceRecord.objects.filter(volunteer__in=volunteers, status=ServiceStatus.CONFIRMED)
        .values("volunteer_id")
        .annotate(h=Sum("hours"))
    )
    return {row["volunteer_id"]: row["h"] for row in rows}


def balances(volunteers: QuerySet[Volunteer]) -> dict[int, int]:
    rows = PointsEntry.objects.filter(volunteer__in=volunteers).values("volunteer_id").annotate(p=Sum("points"))
    return {row["volunteer_id"]: int(row["p"]) for row in rows}


def volunteer_figures(*, scope: PlaceScope, start: dt.datetime, end: dt.datetime) -> list[ResourceFigure]:
    """Active volunteers against the plan's 200, and the hours confirmed in [start, end)."""
    grids = sorted(scope.all_grid_ids)
    counts = Volunteer.objects.filter(grid_id__in=grids).aggregate(
        active=Count("pk", filter=Q(status=VolunteerStatus.ACTIVE)), all=Count("pk")
    )
    hours = ServiceRecord.objects.filter(
        volunteer__grid_id__in=grids, status=ServiceStatus.CONFIRMED, decided_at__gte=start, decided_at__lt=end
    ).aggregate(h=Sum("hours"))["h"] or Decimal(0)
    return [
        ResourceFigure(
            code="active_volunteers",
            label=_("Active volunteers"),
            unit="count",
            value=Decimal(counts["active"]),
            goal=Decimal(VOLUNTEER_GOAL),
            numerator=counts["active"],
            denominator=None,
            url_name="web:volunteer_list",
        ),
        ResourceFigure(
            code="volunteer_hours",
            label=_("Volunteer hours confirmed"),
            unit="count",
            value=Decimal(hours),
            goal=None,
            numerator=Decimal(hours),
            denominator=None,
            url_name="web:volunteer_list",
        ),
    ]


# How far back a task may be chosen when hours are recorded.
TASK_DAYS = 60


def visits_to_accompany(volunteer: Volunteer, *, own: bool = False) -> QuerySet[Visit]:
    """Recent visits of the volunteer's grid; for the volunteer themselves only those to the
    households they look after (they see no other address)."""
    since = timezone.now() - dt.timedelta(days=TASK_DAYS)
    visits = Visit.objects.filter(grid_id=volunteer.grid_id, visited_at__gte=since)
    if own:
        visits = visits.filter(household__volunteer_care__volunteer=volunteer)
    return visits.select_related("household__building").order_by("-visited_at")


def errands_to_claim(volunteer: Volunteer, *, own: bool = False) -> QuerySet[Ticket]:
    since = timezone.now() - dt.timedelta(days=TASK_DAYS)
    tickets = Ticket.objects.filter(grid_id=volunteer.grid_id, subcategory__code=ERRAND, created_at__gte=since)
    if own:
        tickets = tickets.filter(household__volunteer_care__volunteer=volunteer)
    return tickets.order_by("-created_at")


def services_of(volunteer: Volunteer) -> QuerySet[ServiceRecord]:
    return ServiceRecord.objects.filter(volunteer=volunteer).order_by("-served_on", "-pk")
