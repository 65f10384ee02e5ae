"""A volunteer in each grid of the small street, built through the services: grid A's signs in
(persona "volunteer_a"), grid B's looks after household B and has confirmed hours and points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from qiaomen.accounts.roles import Role
from qiaomen.participation.models.volunteer_points import CatalogueItem, ServiceKind, ServiceRecord
from qiaomen.participation.models.volunteers import Team, Volunteer, VolunteerApplication
from qiaomen.participation.volunteers.applications import application_receive
from qiaomen.participation.volunteers.enrolment import care_assign, team_add, team_create, volunteer_enrol
from qiaomen.participation.volunteers.hours import service_confirm, service_record
from qiaomen.participation.volunteers.ledger import catalogue_item_save, rate_set
from qiaomen.registry.models import Person
from qiaomen.testing import SmallStreet, make_person, make_user


@dataclass
class Volunteers:
    volunteer_a: Volunteer
    team_a: Team
    volunteer_b: Volunteer
    team_b: Team
    service_b: ServiceRecord
    pending_b: ServiceRecord
    item: CatalogueItem
    application_b: VolunteerApplication


def enrol_in_team(s: SmallStreet, person: Person, team: Team, *, username: str | None = None) -> Volunteer:
    account = make_user(username, Role.VOLUNTEER) if username else None
    volunteer = volunteer_enrol(person=person, grid=team.grid, actor=s.users["street_admin"], user=account)
    return team_add(team=team, volunteer=volunteer, actor=s.users["street_admin"])


def make_volunteers(s: SmallStreet) -> Volunteers:
    admin = s.users["street_admin"]
    team_a = team_create(grid=s.grid_a, leader=s.users["worker_a"], name="和平一队", actor=admin)
    team_b = team_create(grid=s.grid_b, leader=s.users["worker_b"], name="光明一队", actor=admin)
    neighbour_a = make_person(s.household_a, "赵志愿", birth=dt.date(1975, 5, 5), relationship="spouse")
    volunteer_a = enrol_in_team(s, neighbour_a, team_a, username="volunteer1")
    s.users["volunteer_a"] = volunteer_a.user  # type: ignore[assignment]
    volunteer_b = enrol_in_team(s, s.resident_b, team_b, username="volunteer2")
    s.users["volunteer_b"] = volunteer_b.user  # type: ignore[assignment]
    care_assign(volunteer=volunteer_a, household=s.household_a, actor=admin)
    care_assign(volunteer=volunteer_b, household=s.household_b, actor=admin)
    rate_set(street=s.street, kind=ServiceKind.ACTIVITY, points_per_hour=10, actor=admin)  # 3 h earn 30
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    service_b = service_record(
        volunteer=volunteer_b,
        kind=ServiceKind.ACTIVITY,
        hours=Decimal("3"),
        served_on=yesterday,
        actor=s.users["worker_b"],
        description="重阳节活动",
    )
    service_b = service_confirm(service=service_b, actor=s.users["worker_b"])
    pending_b = service_record(
        volunteer=volunteer_b,
        kind=ServiceKind.ACTIVITY,
        hours=Decimal("2"),
        served_on=yesterday,
        actor=s.users["worker_b"],
        description="清扫楼道",
    )
    item = catalogue_item_save(street=s.street, name="大米一袋", points=20, stock=5, actor=admin)
    application_b = application_receive(household=s.household_b, skills="理发", availability="周末")
    return Volunteers(volunteer_a, team_a, volunteer_b, team_b, service_b, pending_b, item, application_b)
