"""The year's incidents and emergency plans (R-DEV-2), through the devices services.

On the first morning the street admin writes one plan for each kind of emergency. A few incidents
happen over the year (a conflict during a visit, a worker's fall on the stairs, a flooded
basement, another conflict, a dog bite): the reporter's community staff acknowledge each within
hours and close it days later, except the last two, still open when the year ends. In summer a
typhoon warning activates the typhoon plan for one community: its grid workers check every
household over two days (the special ones first, those not reached tried again), and the admin
ends it after two days.
"""

from __future__ import annotations

import datetime as dt
import random

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.core.workdays import CHINA
from qiaomen.demo.history.calendar import local_moment
from qiaomen.demo.history.handling import ticket_follow
from qiaomen.demo.history.timeline import Action
from qiaomen.demo.history.world import World
from qiaomen.devices.incidents import incident_acknowledge, incident_close, incident_report
from qiaomen.devices.models import CheckOutcome, EmergencyPlan, HouseholdCheck, Incident, PlanActivation, PlanKind
from qiaomen.devices.models.devices import Device, DeviceKind
from qiaomen.devices.plans import ContactInput, household_check_record, plan_activate, plan_deactivate, plan_save
from qiaomen.places.models import Community, Street
from qiaomen.registry.models import Tag
from qiaomen.visits.models import Visit

PLANS = {
    PlanKind.TYPHOON: (
        "台风防御应急预案",
        [
            "接到台风预警后启动，暂停常规走访",
            "网格员电话或上门确认独居、高龄、残障居民安全",
            "检查地下室、低洼处和广告牌",
            "需转移的居民安排至社区避险点",
        ],
    ),
    PlanKind.HEAT_WAVE: (
        "高温天气应急预案",
        ["高温红色预警时启动", "每日联系独居老人和慢病患者，提醒防暑", "社区活动室开放为纳凉点"],
    ),
    PlanKind.EPIDEMIC: (
        "传染病疫情应急预案",
        ["按卫健部门通知启动", "摸排重点人群健康状况", "协助做好药品和生活物资配送"],
    ),
    PlanKind.GAS_LEAK: (
        "燃气泄漏应急预案",
        ["接报后立即通知燃气公司抢修", "疏散楼内居民，严禁明火和开关电器", "逐户确认人员安全"],
    ),
}
CONTACTS = [
    ContactInput("街道应急办值班室", "值班电话", "02168123456"),
    ContactInput("燃气抢修", "燃气公司", "02162345678"),
]
# (kind, share of the year, who reports: grid worker or community staff, what happened)
INCIDENTS = [
    ("conflict", 0.2, "worker", "走访时住户家属情绪激动，言语威胁，网格员已先行离开并报告"),
    ("worker_injured", 0.45, "worker", "网格员在楼道下楼时踩空摔倒，脚踝扭伤，已就医"),
    ("flood", 0.6, "staff", "暴雨后地下室进水约二十厘米，已通知物业抽水"),
    ("conflict", 0.88, "worker", "住户拒绝开门并辱骂，情况已记录，建议下次两人同行"),
    ("other", 0.97, "worker", "走访时被住户家中的狗咬伤手背，已注射疫苗"),
]
OUTCOMES = {CheckOutcome.SAFE: 90, CheckOutcome.NOT_REACHED: 8, CheckOutcome.NEEDS_HELP: 2}
CHECK_HOURS = (9, 11, 14, 16)  # when each grid worker works through a share of the list


def emergencies_plan(world: World) -> None:
    world.timeline.at(local_moment(world.year.start, 9, 30), lambda moment: _plans(world))
    days = (world.year.today - world.year.start).days
    rng = world.rng("emergencies")
    for number, (kind, share, who, text) in enumerate(INCIDENTS):
        day = world.year.start + dt.timedelta(days=round(days * share))
        moment = local_moment(day, rng.choice([10, 15, 16]), rng.randrange(60))
        ends = len(INCIDENTS) - number  # 2: the second to last stays acknowledged, 1: the last reported
        world.timeline.at(moment, _incident_at(world, rng, kind, who, text, ends))
    summer = dt.date(world.year.today.year, 8, 5)
    if not world.year.start <= summer <= world.year.today - dt.timedelta(days=3):
        summer = world.year.start + dt.timedelta(days=days // 2)
    world.timeline.at(local_moment(summer, 7, 30), lambda moment: _typhoon(world, rng, moment))
    if days >= 7:
        leak = world.year.now - dt.timedelta(hours=3)
        world.timeline.at(leak, lambda moment: _gas_leak(world, rng, moment))


def _admin() -> User | None:
    return User.objects.filter(role=Role.STREET_ADMIN, is_active=True).order_by("pk").first()


def _plans(world: World) -> None:
    admin = _admin()
    street = Street.objects.order_by("pk").first()
    if admin is None or street is None:
        return
    first = list(Tag.objects.filter(code__in=["elder_alone", "elder_80", "disabled"]).order_by("pk"))
    roles = [Role.STREET_ADMIN, Role.COMMUNITY_STAFF, Role.GRID_WORKER]
    for kind, (title, steps) in PLANS.items():
        plan_save(
            user=admin,
            street=street,
            kind=kind,
            title=title,
            steps=steps,
            responsible_roles=list(roles),
            first_tags=first,
            contacts=CONTACTS,
        )
        world.counts["emergency_plans"] += 1


def _incident_at(world: World, rng: random.Random, kind: str, who: str, text: str, ends: int) -> Action:
    return lambda moment: _incident(world, rng, moment, kind, who, text, ends)


def _incident(world: World, rng: random.Random, moment: dt.datetime, kind: str, who: str, text: str, ends: int) -> None:
    household = world.households[rng.choice(sorted(world.households))]
    grid = household.building.grid
    worker = world.staff.grid_workers[grid.pk]
    staff = world.staff.community_staff[grid.community_id]
    visit = Visit.objects.filter(grid_id=grid.pk).order_by("-pk").first() if kind == "conflict" else None
    flood = kind == "flood"
    incident = incident_report(
        user=worker if who == "worker" else staff,
        kind=kind,
        description=text,
        occurred_at=moment - dt.timedelta(minutes=rng.randrange(10, 40)),
        visit=visit,
        household=None if visit is not None or flood else household,
        building=household.building if flood else None,
    )
    world.counts["incidents"] += 1
    if incident.ticket is not None:
        ticket_follow(world, incident.ticket)
    if ends == 1:
        return
    acknowledge = moment + dt.timedelta(minutes=rng.randrange(20, 180))
    world.timeline.at(acknowledge, lambda at: _acknowledge(world, rng, at, incident.pk, staff, closes=ends > 2))


def _acknowledge(world: World, rng: random.Random, at: dt.datetime, pk: int, staff: User, *, closes: bool) -> None:
    incident_acknowledge(user=staff, incident=Incident.objects.get(pk=pk))
    if closes:
        day = at.astimezone(CHINA).date() + dt.timedelta(days=rng.randrange(1, 4))
        world.timeline.at(local_moment(day, 16), lambda moment: _close(world, pk, staff))


def _close(world: World, pk: int, staff: User) -> None:
    incident_close(user=staff, incident=Incident.objects.get(pk=pk), reason="已处理完毕，相关人员已回访")
    world.counts["incidents_closed"] += 1


def _typhoon(world: World, rng: random.Random, moment: dt.datetime) -> None:
    admin = _admin()
    community = Community.objects.filter(pk__in=world.communities).order_by("code").first()
    plan = _plan_of(PlanKind.TYPHOON)
    if admin is None or community is None or plan is None:
        return
    activation = plan_activate(user=admin, plan=plan, community=community)
    world.counts["plan_activations"] += 1
    day = moment.astimezone(CHINA).date()
    hours = [(day + dt.timedelta(days=offset), hour) for offset in range(2) for hour in CHECK_HOURS]
    for index, (on, hour) in enumerate(hours):
        world.timeline.at(local_moment(on, hour), _checks_at(world, rng, activation, left=len(hours) - index))
    world.timeline.at(moment + dt.timedelta(days=2), lambda at: _end(world, admin, activation))


def _gas_leak(world: World, rng: random.Random, moment: dt.datetime) -> None:
    admin = _admin()
    plan = _plan_of(PlanKind.GAS_LEAK)
    sensor = Device.objects.filter(kind=DeviceKind.GAS_SENSOR, household_id__in=list(world.households)).first()
    household = world.households[sensor.household_id if sensor else min(world.households)]
    if admin is None or plan is None:
        return
    activation = plan_activate(user=admin, plan=plan, grid=household.building.grid)
    world.counts["plan_activations"] += 1
    # Two rounds of three (the last never comes before the demo opens): about two thirds checked.
    for minutes, left in ((40, 3), (100, 2)):
        at = moment + dt.timedelta(minutes=minutes)
        world.timeline.at(at, _checks_at(world, rng, activation, left=left, needs_help=1 if left == 3 else 0))


def _plan_of(kind: str) -> EmergencyPlan | None:
    return EmergencyPlan.objects.filter(kind=kind).order_by("pk").first()


def _checks_at(
    world: World, rng: random.Random, activation: PlanActivation, *, left: int, needs_help: int = 0
) -> Action:
    return lambda moment: _checks(world, rng, activation, left=left, needs_help=needs_help)


def _checks(world: World, rng: random.Random, activation: PlanActivation, *, left: int, needs_help: int = 0) -> None:
    """Each grid worker checks the next share of the list (the special households first); the
    households not reached are tried again, and found safe, at the last round. The first
    `needs_help` households checked need help, whatever the draw."""
    waiting = HouseholdCheck.objects.filter(activation=activation).order_by("-special", "pk")
    last = left == 1
    pending = list(waiting.filter(outcome="")) + (
        list(waiting.filter(outcome=CheckOutcome.NOT_REACHED)) if last else []
    )
    by_grid: dict[int, list[HouseholdCheck]] = {}
    for check in pending:
        by_grid.setdefault(check.grid_id, []).append(check)
    for grid_id, checks in sorted(by_grid.items()):
        worker = world.staff.grid_workers[grid_id]
        share = checks if last else checks[: -(-len(checks) // left)]
        for check in share:
            again = check.outcome == CheckOutcome.NOT_REACHED
            outcome = CheckOutcome.SAFE if again else rng.choices(list(OUTCOMES), weights=list(OUTCOMES.values()))[0]
            if needs_help > 0:
                outcome, needs_help = CheckOutcome.NEEDS_HELP, needs_help - 1
            household_check_record(user=worker, check=check, outcome=outcome)
            world.counts["household_checks"] += 1


def _end(world: World, admin: User, activation: PlanActivation) -> None:
    plan_deactivate(user=admin, activation=PlanActivation.objects.get(pk=activation.pk))
    world.counts["plan_activations_ended"] += 1
