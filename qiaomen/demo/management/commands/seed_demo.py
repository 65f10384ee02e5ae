"""python manage.py seed_demo --households N --seed S [--months M] [--password P] [--if-empty]"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import time_machine
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from qiaomen.accounts.models import User
from qiaomen.core.errors import DomainError
from qiaomen.demo.history import history_create, history_start
from qiaomen.demo.history.calendar import sim_year
from qiaomen.demo.history.closing import history_close
from qiaomen.demo.logins import LOGINS_FILENAME, demo_logins_write
from qiaomen.demo.rights import demo_rights_requests_create
from qiaomen.demo.seed import demo_street_create
from qiaomen.demo.users import DEMO_USERNAMES, demo_password_generate
from qiaomen.registry.models import Household

COUNT_LABELS = {
    "communities": "社区",
    "grids": "网格",
    "buildings": "楼栋",
    "households": "住户",
    "people": "人员",
    "special_households": "有重点人群的住户",
    "vacant_households": "空置住户",
    "separated_households": "人户分离住户",
    "separated_people": "人户分离人员",
    "resident_migrant": "流动人口",
    "resident_tenant": "租户",
    "door_codes": "二维码门牌",
}
HISTORY_LABELS = {
    "visits": "走访",
    "tickets": "工单",
    "demands_on_spot": "当场解决",
    "ratings": "评价",
    "escalations": "升级督办",
    "second_complaints": "二次投诉",
}


def _accuracy(value: float | None) -> str:
    return "未测得" if value is None else f"{value:.1%}"


class Command(BaseCommand):
    help = "Builds a realistic, deterministic demo street with its people, demo users and a year of history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=3000, help="how many households (default 3000)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same street (default 1)")
        parser.add_argument(
            "--months", type=int, default=12, help="months of visits and tickets ending today (default 12; 0: none)"
        )
        parser.add_argument("--password", help="password of every demo user (default: a strong random one)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the registry holds households")

    def _progress(self, started: float) -> Callable[[dt.date, Counter[str]], None]:
        def month_begins(day: dt.date, counts: Counter[str]) -> None:
            visits = sum(count for key, count in counts.items() if key.startswith("visits_"))
            self.stdout.write(f"  模拟 {day:%Y-%m}（已走访 {visits:,} 次，{time.perf_counter() - started:.0f} 秒）")
            self.stdout.flush()

        return month_begins

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Household.objects.exists():
            self.stdout.write("登记库已有住户，不再生成演示街道 (registry not empty: demo street not seeded)")
            return
        if not 0 <= options["months"] <= 36:
            raise CommandError("--months: 0 to 36")
        started = time.perf_counter()
        # This connection only, for the length of the seeding: a crash loses the demo, not data.
        # (Inside a test's transaction SQLite cannot change it, and there is no disk to spare.)
        fast = connection.vendor == "sqlite" and not connection.in_atomic_block
        if fast:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")
        now = timezone.now()
        year = sim_year(now=now, months=options["months"])
        try:
            with transaction.atomic():
                # The registry as it was when the demo year began, so that the year's visits find it.
                with time_machine.travel(history_start(year) if options["months"] else now, tick=False):
                    demo = demo_street_create(
                        households=options["households"],
                        seed=options["seed"],
                        password=options["password"] or demo_password_generate(),
                        today=year.today,
                        rights_requests=False,
                    )
                history = (
                    history_create(year=year, seed=options["seed"], on_month=self._progress(started))
                    if options["months"]
                    else {}
                )
                demo.counts["rights_requests"] = demo_rights_requests_create(now=timezone.now())
                if options["months"]:
                    bulletins, forecast = history_close(now=timezone.now())
                # The demo users' passwords are today's, whenever their accounts were made.
                User.objects.filter(username__in=DEMO_USERNAMES).update(password_changed_at=timezone.now())
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        finally:
            if fast and connection.connection is not None:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA synchronous=NORMAL")
        path = settings.VAR_DIR / LOGINS_FILENAME
        demo_logins_write(demo=demo, path=path)
        figures = "，".join(f"{label} {demo.counts.get(key, 0):,}" for key, label in COUNT_LABELS.items())
        self.stdout.write(f"演示街道“{demo.street.name}”已生成（{time.perf_counter() - started:.1f} 秒）：{figures}")
        if history:
            done = "，".join(f"{label} {history.get(key, 0):,}" for key, label in HISTORY_LABELS.items())
            self.stdout.write(f"演示历史 {options['months']} 个月（{year.start} 至 {year.today}）：{done}")
            self.stdout.write(
                f"已保存月通报 {len(bulletins)} 份；预测 {forecast.horizon:%Y-%m}：回测 {forecast.folds} 个月，"
                f"模型准确率 {_accuracy(forecast.model_accuracy)}，基线准确率 {_accuracy(forecast.baseline_accuracy)}"
            )
        self.stdout.write(f"登录信息已写入 {path}（仅本人可读）；查看：python manage.py demo_logins")
