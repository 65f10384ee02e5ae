"""The participation rate and the active groups (R-PAR-2), over a scope and a period [start, end).

- A household took part when it attended at least one activity that started in the period (a
  scan at the door or staff's record) or is on the attendance list of a meeting held in it.
- Participation rate = households that took part ÷ households (every household of the places
  but those moved out), by grid and by community, against the 60 % goal.
- A group is active when it held at least one activity (not cancelled) or meeting in the period
  (started before the end of the period and before now); the count of active groups is set
  against 10.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.participation.activities.scope import groups_in_scope
from qiaomen.participation.figure import ResourceFigure
from qiaomen.participation.models.activities import (
    Activity,
    ActivityStatus,
    Attendance,
    Meeting,
    MeetingAttendee,
    ResidentGroup,
)
from qiaomen.places.models import Grid
from qiaomen.registry.models import Household, HouseholdStatus

PARTICIPATION_GOAL = Decimal("0.60")
ACTIVE_GROUPS_GOAL = 10


@dataclass(frozen=True)
class RateRow:
    place_id: int
    name: str
    households: int
    took_part: int

    @property
    def rate(self) -> Decimal | None:
        if not self.households:
            return None
        return Decimal(self.took_part) / Decimal(self.households)

    @property
    def met(self) -> bool | None:
        rate = self.rate
        return None if rate is None else rate >= PARTICIPATION_GOAL


@dataclass(frozen=True)
class CommunityRates:
    community: RateRow
    grids: list[RateRow]


@dataclass(frozen=True)
class ParticipationTable:
    communities: list[CommunityRates]
    total: RateRow


def took_part_q(*, start: dt.datetime, end: dt.datetime) -> Q:
    """Households (as rows of Household) that took part in [start, end)."""
    attended = Attendance.objects.filter(
        household=OuterRef("pk"), activity__starts_at__gte=start, activity__starts_at__lt=end
    )
    met = MeetingAttendee.objects.filter(
        household=OuterRef("pk"), meeting__held_at__gte=start, meeting__held_at__lt=end
    )
    return Q(Exists(attended)) | Q(Exists(met))


def households_counted(scope: PlaceScope) -> QuerySet[Household]:
    """The denominator's households: every household of the scope but those moved out."""
    return Household.objects.filter(scope.building_q("building__")).exclude(status=HouseholdStatus.MOVED_OUT)


def households_taking_part(*, scope: PlaceScope, start: dt.datetime, end: dt.datetime) -> QuerySet[Household]:
    """The households behind the numerator."""
    return households_counted(scope).filter(took_part_q(start=start, end=end))


def participation_table(*, scope: PlaceScope, start: dt.datetime, end: dt.datetime) -> ParticipationTable:
    counts = {
        row["building__grid_id"]: (row["households"], row["took_part"])
        for row in households_counted(scope)
        .values("building__grid_id")
        .annotate(households=Count("pk"), took_part=Count("pk", filter=took_part_q(start=start, end=end)))
        .order_by()
    }
    grids = Grid.objects.filter(pk__in=counts).select_related("community").order_by("community__code", "code")
    by_community: dict[int, tuple[str, list[RateRow]]] = {}
    for grid in grids:
        households, took_part = counts[grid.pk]
        _name, rows = by_community.setdefault(grid.community_id, (grid.community.name, []))
        rows.append(RateRow(grid.pk, grid.name, households, took_part))
    communities = [
        CommunityRates(RateRow(pk, name, sum(r.households for r in rows), sum(r.took_part for r in rows)), rows)
        for pk, (name, rows) in by_community.items()
    ]
    total = RateRow(
        0,
        str(_("All your places")),
        sum(c.community.households for c in communities),
        sum(c.community.took_part for c in communities),
    )
    return ParticipationTable(communities, total)


@dataclass(frozen=True)
class GroupRow:
    group: ResidentGroup
    active: bool


def groups_with_activity(*, scope: PlaceScope, start: dt.datetime, end: dt.datetime) -> list[GroupRow]:
    """The scope's groups, each with whether it held an activity or a meeting in the period."""
    until = min(end, timezone.now())
    activities = Activity.objects.filter(
        group=OuterRef("pk"), starts_at__gte=start, starts_at__lt=until, status=ActivityStatus.SCHEDULED
    )
    meetings = Meeting.objects.filter(group=OuterRef("pk"), held_at__gte=start, held_at__lt=until)
    rows = (
        groups_in_scope(scope)
        .annotate(held=ExpressionWrapper(Q(Exists(activities)) | Q(Exists(meetings)), output_field=BooleanField()))
        .select_related("community")
        .order_by("community__code", "name")
    )
    return [GroupRow(group, bool(group.held)) for group in rows]


def participation_figures(*, scope: PlaceScope, start: dt.datetime, end: dt.datetime) -> list[ResourceFigure]:
    """The command centre's two figures: the participation rate (goal 60 %) and the active groups
    (goal 10), over the scope and [start, end)."""
    total = participation_table(scope=scope, start=start, end=end).total
    groups = groups_with_activity(scope=scope, start=start, end=end)
    active = sum(1 for row in groups if row.active)
    return [
        ResourceFigure(
            code="participation_rate",
            label=_("Residents' participation"),
            unit="percent",
            value=total.rate,
            goal=PARTICIPATION_GOAL,
            numerator=total.took_part,
            denominator=total.households,
            url_name="web:participation",
        ),
        ResourceFigure(
            code="active_groups",
            label=_("Active self-governing groups"),
            unit="count",
            value=Decimal(active),
            goal=Decimal(ACTIVE_GROUPS_GOAL),
            numerator=active,
            denominator=len(groups),
            url_name="web:group_list",
        ),
    ]
