"""The street's 20-yuan budget over the demo year (R-PAR-4), through its services: each year's
budget fixed (by the street admin when the platform went live, then by the job on 1 January),
monthly staff allowances, activities and now and then equipment, each entered with a receipt
(a small generated photo or e-invoice PDF), submitted, and approved by the supervisor a few
days later (now and then rejected), and last quarter's public disclosure kept when the job
would have kept it."""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
from decimal import Decimal

from PIL import Image

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.core.errors import DomainError
from qiaomen.core.workdays import CHINA
from qiaomen.demo.history.calendar import local_moment
from qiaomen.demo.history.world import World
from qiaomen.participation.budget.disclosure import budget_quarter_open
from qiaomen.participation.budget.spending import spending_approve, spending_create, spending_reject, spending_submit
from qiaomen.participation.budget.years import budget_year_fix
from qiaomen.participation.models.budget import BudgetAllotment, BudgetCategory, Spending
from qiaomen.places.models import Street

ACTIVITIES = ("重阳节敬老活动物资", "社区邻里节场地布置", "暑期儿童托管活动材料", "敲门议事会茶歇", "志愿者培训讲师费")
EQUIPMENT = ("楼道应急灯", "灭火器更换", "便民服务点折叠桌椅", "走访用平板电脑保护套", "社区广播音箱")
# A minimal e-invoice: what the receipt check accepts as a PDF (header to end-of-file marker).
E_INVOICE = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _photo(rng: random.Random) -> bytes:
    out = io.BytesIO()
    shade = rng.randrange(180, 250)
    Image.new("RGB", (48, 32), (shade, shade, shade - 20)).save(out, format="PNG")
    return out.getvalue()


def _yuan(value: Decimal | float) -> Decimal:
    return Decimal(round(float(value) / 10) * 10).quantize(Decimal("0.01"))


def budget_plan(world: World) -> None:
    street = Street.objects.order_by("pk").first()
    admin = User.objects.filter(role=Role.STREET_ADMIN, places__street=street).order_by("pk").first()
    approver = User.objects.filter(role=Role.SUPERVISOR, places__street=street).order_by("pk").first()
    if street is None or admin is None or approver is None:
        return
    rng = world.rng("budget")
    timeline, year = world.timeline, world.year
    # The street admin fixes the first year when the platform goes live; the job every 1 January.
    timeline.at(local_moment(year.start, 8, 30), lambda moment: _fix(street, moment, admin))
    for new_year in range(year.start.year + 1, year.today.year + 1):
        timeline.at(local_moment(dt.date(new_year, 1, 1), 9, 25), lambda moment: _fix(street, moment, None))
    for day in year.days:
        if day.day == 25 or (day.day == 10 and rng.random() < 0.8) or (day.day == 18 and rng.random() < 0.3):
            category = (
                BudgetCategory.STAFF
                if day.day == 25
                else BudgetCategory.EQUIPMENT
                if day.day == 18
                else BudgetCategory.ACTIVITIES
            )
            moment = local_moment(day, 10, rng.randrange(60))
            decide_after = dt.timedelta(days=rng.randrange(1, 5), hours=rng.randrange(6))
            rejected = rng.random() < 0.07
            draw = rng.random()
            spend = functools.partial(_spend, world, street, admin, approver, category, draw, rejected, decide_after)
            timeline.at(moment, spend)
    # The job keeps last quarter's disclosure on the quarter's first day: the latest such day.
    today = year.today
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    timeline.at(local_moment(quarter_start, 9, 25), lambda moment: _disclose(world, moment))


def _fix(street: Street, moment: dt.datetime, by: User | None) -> None:
    budget_year_fix(street=street, year=moment.astimezone(CHINA).year, user=by)


def _disclose(world: World, moment: dt.datetime) -> None:
    world.counts["budget_disclosures"] += len(budget_quarter_open(now=moment))


def _spend(
    world: World,
    street: Street,
    admin: User,
    approver: User,
    category: str,
    draw: float,
    rejected: bool,
    decide_after: dt.timedelta,
    moment: dt.datetime,
) -> None:
    day = moment.astimezone(CHINA).date()
    allotment = BudgetAllotment.objects.filter(budget__street=street, budget__year=day.year, category=category).first()
    if allotment is None:
        return
    share = {"staff": 12, "activities": 10, "equipment": 4}[category]
    amount = min(_yuan(allotment.amount / share * Decimal(0.6 + 0.4 * draw)), allotment.remaining)
    if amount <= 0:
        return
    rng = world.rng("budget_receipts")
    description = {
        "staff": f"{day.month}月志愿者及楼栋长服务补贴",
        "activities": rng.choice(ACTIVITIES),
        "equipment": rng.choice(EQUIPMENT),
    }[category]
    receipt = E_INVOICE if rng.random() < 0.4 else _photo(rng)
    try:
        spending = spending_create(
            street=street,
            user=admin,
            category=category,
            amount=amount,
            spent_on=day,
            description=description,
            receipts=[receipt],
        )
        spending = spending_submit(spending=spending, user=admin)
    except DomainError:
        world.counts["budget_refused"] += 1
        return
    world.counts["budget_spending"] += 1
    world.timeline.at(moment + decide_after, functools.partial(_decide, world, spending, approver, rejected))


def _decide(world: World, spending: Spending, approver: User, rejected: bool, moment: dt.datetime) -> None:
    try:
        if rejected:
            spending_reject(spending=spending, user=approver, reason="票据抬头与街道名称不符，请重新开具")
        else:
            spending_approve(spending=spending, user=approver)
            world.counts["budget_approved"] += 1
    except DomainError:
        world.counts["budget_refused"] += 1
