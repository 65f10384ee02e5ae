"""Residents' participation over the demo year (R-PAR-2), through the participation services:
self-governing groups founded at the start with a few members, two activities a month in every
community (mostly run by its groups), and a door-knocking meeting in every grid each quarter,
whose decisions sometimes open a ticket.

Who takes part: each community has its own share of households that come to something (40–65 %,
so the communities differ around the 60 % goal). Each of them comes to one event, some to two;
a fifth of those who come to an activity signed up beforehand on their QR page, and everybody
checks in by scanning the code at the door while the activity runs. One group stays idle all
year, so the active groups are one fewer than the groups.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from functools import partial

from qiaomen.demo.history.calendar import local_moment
from qiaomen.demo.history.handling import ticket_follow
from qiaomen.demo.history.world import World
from qiaomen.participation.activities.activities import activity_checkin, activity_create, activity_signup
from qiaomen.participation.activities.changes import activity_cancel
from qiaomen.participation.activities.groups import group_create, group_member_add
from qiaomen.participation.activities.meetings import (
    decision_ticket_open,
    meeting_attendee_add,
    meeting_create,
    meeting_decision_add,
    meeting_minutes_save,
)
from qiaomen.participation.models.activities import (
    Activity,
    ActivityKind,
    AttendanceVia,
    GroupKind,
    ResidentGroup,
    SignUpChannel,
)
from qiaomen.places.models import Community
from qiaomen.registry.models import Household, HouseholdStatus, Person, PersonStatus

GROUPS = [
    ("夕阳红合唱队", GroupKind.INTEREST),
    ("邻里守望巡逻队", GroupKind.SAFETY),
    ("老娘舅调解室", GroupKind.MEDIATION),
    ("绿色家园环保队", GroupKind.ENVIRONMENT),
]
ACTIVITIES = [
    ("广场舞联谊", ActivityKind.CULTURE, "社区广场"),
    ("健康义诊", ActivityKind.HEALTH, "社区卫生服务站"),
    ("防诈骗讲座", ActivityKind.LEARNING, "社区活动室"),
    ("楼道清洁日", ActivityKind.VOLUNTEERING, "各楼栋"),
    ("乒乓球友谊赛", ActivityKind.SPORTS, "社区文体中心"),
    ("节日游园会", ActivityKind.FESTIVAL, "社区广场"),
]
MEETING_TOPICS = ["加装电梯意见征集", "小区停车秩序整治", "楼道堆物清理", "垃圾分类投放点调整"]
DECISIONS = ["修复小区东门路灯", "清理3栋楼道堆放杂物", "在北门增设非机动车停放区"]
ACTIVITIES_PER_MONTH = 2
SECOND_EVENT_SHARE = 0.15
SIGNUP_SHARE = 0.2


def activities_plan(world: World) -> None:
    rng = world.rng("participation")
    by_community: dict[int, list[Household]] = defaultdict(list)
    for household in world.households.values():
        if household.status != HouseholdStatus.MOVED_OUT:
            by_community[household.building.grid.community_id].append(household)
    communities = Community.objects.in_bulk(sorted(by_community))
    groups: dict[int, list[ResidentGroup]] = {}
    for index, community_id in enumerate(sorted(by_community)):
        found = partial(_groups_found, world, communities[community_id], by_community[community_id], groups, index)
        world.timeline.at(world.timeline.start, found)
    for community_id, households in sorted(by_community.items()):
        share = 0.40 + 0.25 * rng.random()
        taking_part = rng.sample(households, round(share * len(households)))
        comers = taking_part + [h for h in taking_part if rng.random() < SECOND_EVENT_SHARE]
        rng.shuffle(comers)
        # A fifth come to their grid's meetings, the rest to the community's activities.
        to_meetings = comers[: len(comers) // 5]
        _activities_schedule(world, rng, communities[community_id], comers[len(comers) // 5 :], groups)
        _meetings_schedule(world, rng, communities[community_id], to_meetings, groups)
        _called_off_schedule(world, communities[community_id], households)


def _groups_found(
    world: World,
    community: Community,
    households: list[Household],
    groups: dict[int, list[ResidentGroup]],
    index: int,
    at: dt.datetime,
) -> None:
    staff = world.staff.community_staff[community.pk]
    rng = world.rng("participation-groups")
    people = list(
        Person.objects.filter(
            household__in=rng.sample(households, min(12, len(households))), status=PersonStatus.ACTIVE
        ).order_by("pk")
    )
    founded = []
    for name, kind in GROUPS:
        group = group_create(user=staff, community=community, name=name, kind=kind)
        for number, person in enumerate(rng.sample(people, min(4, len(people)))):
            group_member_add(group=group, person=person, user=staff, is_leader=number == 0)
        founded.append(group)
        world.counts["participation_groups"] += 1
    # The first community's last group never meets: one group stays inactive all year.
    groups[community.pk] = founded[:-1] if index == 0 else founded


def _months(world: World) -> list[dt.date]:
    """The first day of every month of the year, and of the month after it (activities already
    announced: open for sign-up on the QR page)."""
    first = world.year.start.replace(day=1)
    months = []
    while first <= world.year.today + dt.timedelta(days=31):
        months.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return months


def _activities_schedule(
    world: World,
    rng: random.Random,
    community: Community,
    comers: list[Household],
    groups: dict[int, list[ResidentGroup]],
) -> None:
    slots = []
    for month in _months(world):
        for number in range(ACTIVITIES_PER_MONTH):
            day = month + dt.timedelta(days=rng.randint(number * 14, number * 14 + 12))
            slots.append(local_moment(day, rng.choice((9, 14, 19))))
    slots = [slot for slot in slots if slot > world.timeline.start + dt.timedelta(days=1)]
    past = [slot for slot in slots if slot + dt.timedelta(hours=2) < world.year.now] or slots
    guests: dict[dt.datetime, list[Household]] = defaultdict(list)
    for household in comers:
        guests[rng.choice(past)].append(household)
    for number, slot in enumerate(slots):
        title, kind, place = ACTIVITIES[number % len(ACTIVITIES)]
        coming = list(dict.fromkeys(guests[slot]))
        holder: list[Activity] = []
        created = max(world.timeline.start, slot - dt.timedelta(days=7))
        plan = {"title": title, "kind": kind, "location": place, "starts_at": slot, "capacity": len(coming) + 30}
        world.timeline.at(created, partial(_activity_open, world, community, groups, number, plan, holder))
        for household in coming:
            if rng.random() < SIGNUP_SHARE:
                world.timeline.at(
                    created + dt.timedelta(hours=rng.randint(1, 100)), partial(_sign_up, holder, household)
                )
            scan = slot + dt.timedelta(minutes=rng.randint(0, 100))
            world.timeline.at(scan, partial(_scan, world, holder, household))


def _called_off_schedule(world: World, community: Community, households: list[Household]) -> None:
    """An outdoor activity each community calls off for the weather two days before: the
    households that signed up keep their sign-up, shown as cancelled. It has no guests, so the
    participation figures are the same with it or without it (its own generator keeps the rest
    of the year's draws as they were)."""
    rng = world.rng(f"participation-called-off-{community.pk}")
    slot = local_moment(world.year.today - dt.timedelta(days=rng.randint(20, 80)), 9)
    created = slot - dt.timedelta(days=7)
    if created <= world.timeline.start:
        return
    holder: list[Activity] = []
    plan = {
        "title": "滨河健步走",
        "kind": ActivityKind.SPORTS,
        "location": "滨河公园",
        "starts_at": slot,
        "capacity": 40,
    }
    world.timeline.at(created, partial(_activity_open, world, community, {}, 0, plan, holder))
    for household in rng.sample(households, min(3, len(households))):
        world.timeline.at(created + dt.timedelta(hours=rng.randint(2, 90)), partial(_sign_up, holder, household))
    world.timeline.at(slot - dt.timedelta(days=2), partial(_call_off, world, community, holder))


def _call_off(world: World, community: Community, holder: list[Activity], at: dt.datetime) -> None:
    activity_cancel(
        activity=holder[0], user=world.staff.community_staff[community.pk], reason="气象台发布大风预警，活动取消"
    )
    world.counts["participation_cancelled"] += 1


def _activity_open(
    world: World,
    community: Community,
    groups: dict[int, list[ResidentGroup]],
    number: int,
    plan: dict[str, object],
    holder: list[Activity],
    at: dt.datetime,
) -> None:
    starts_at = plan["starts_at"]
    assert isinstance(starts_at, dt.datetime)
    own = groups.get(community.pk, [])
    holder.append(
        activity_create(
            user=world.staff.community_staff[community.pk],
            community=community,
            group=own[number % len(own)] if own and number % 5 else None,  # every fifth: the community's own
            title=str(plan["title"]),
            kind=str(plan["kind"]),
            location=str(plan["location"]),
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            capacity=int(str(plan["capacity"])),
        )
    )
    world.counts["participation_activities"] += 1


def _sign_up(holder: list[Activity], household: Household, at: dt.datetime) -> None:
    if at < holder[0].starts_at:
        activity_signup(activity=holder[0], household=household, channel=SignUpChannel.QR)


def _scan(world: World, holder: list[Activity], household: Household, at: dt.datetime) -> None:
    _, created = activity_checkin(activity=holder[0], household=household, via=AttendanceVia.SCAN)
    world.counts["participation_attendances"] += int(created)


def _meetings_schedule(
    world: World,
    rng: random.Random,
    community: Community,
    comers: list[Household],
    groups: dict[int, list[ResidentGroup]],
) -> None:
    by_grid: dict[int, list[Household]] = defaultdict(list)
    for household in comers:
        by_grid[household.building.grid_id].append(household)
    for order, grid_id in enumerate(sorted(by_grid)):
        households = by_grid[grid_id]
        # Each grid on its own evening, so no two meetings (nor their tickets) share a moment.
        quarters = [world.year.start + dt.timedelta(days=40 + order % 10 + 91 * q) for q in range(4)]
        moments = [local_moment(day, 19, order % 60) for day in quarters if local_moment(day, 22) < world.year.now]
        if not moments:
            continue
        lists: dict[int, set[int]] = defaultdict(set)
        for household in households:
            lists[rng.randrange(len(moments))].add(household.pk)
        for number, moment in enumerate(moments):
            attendees = [world.households[pk] for pk in sorted(lists[number])]
            world.timeline.at(moment, partial(_meeting_hold, world, community, number, attendees, groups))


def _meeting_hold(
    world: World,
    community: Community,
    number: int,
    attendees: list[Household],
    groups: dict[int, list[ResidentGroup]],
    at: dt.datetime,
) -> None:
    if not attendees:
        return
    grid = attendees[0].building.grid
    grid_id = grid.pk
    worker = world.staff.grid_workers[grid_id]
    own = groups.get(community.pk, [])
    topic = MEETING_TOPICS[number % len(MEETING_TOPICS)]
    meeting = meeting_create(
        user=worker,
        community=community,
        grid=grid,
        group=own[(number + grid_id) % len(own)] if own else None,
        title=f"敲门议事会：{topic}",
        held_at=at,
        location="社区议事厅",
        agenda=f"一、{topic}\n二、居民意见交流",
    )
    for household in attendees:
        meeting_attendee_add(meeting=meeting, household=household, user=worker)
    meeting_minutes_save(
        meeting=meeting, user=worker, minutes=f"到会{len(attendees)}户，就“{topic}”充分讨论，形成决议。"
    )
    decision = meeting_decision_add(meeting=meeting, user=worker, text=DECISIONS[(number + grid_id) % len(DECISIONS)])
    world.counts["participation_meetings"] += 1
    if number % 2 == 0:
        ticket = decision_ticket_open(decision=decision, user=worker, subcategory=world.subcategories.get("LIF-FAC"))
        world.counts["participation_decision_tickets"] += 1
        ticket_follow(world, ticket)
