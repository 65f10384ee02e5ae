"""python manage.py seed_demo --households N --seed S [--password P] [--if-empty]"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qiaomen.core.errors import DomainError
from qiaomen.demo.logins import LOGINS_FILENAME, demo_logins_write
from qiaomen.demo.seed import demo_street_create
from qiaomen.demo.users import demo_password_generate
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


class Command(BaseCommand):
    help = "Builds a realistic, deterministic demo street with its people and demo users (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=3000, help="how many households (default 3000)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same street (default 1)")
        parser.add_argument("--password", help="password of every demo user (default: a strong random one)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the registry holds households")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Household.objects.exists():
            self.stdout.write("登记库已有住户，不再生成演示街道 (registry not empty: demo street not seeded)")
            return
        started = time.perf_counter()
        try:
            demo = demo_street_create(
                households=options["households"],
                seed=options["seed"],
                password=options["password"] or demo_password_generate(),
            )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        path = settings.VAR_DIR / LOGINS_FILENAME
        demo_logins_write(demo=demo, path=path)
        figures = "，".join(f"{label} {demo.counts.get(key, 0):,}" for key, label in COUNT_LABELS.items())
        self.stdout.write(f"演示街道“{demo.street.name}”已生成（{time.perf_counter() - started:.1f} 秒）：{figures}")
        self.stdout.write(f"登录信息已写入 {path}（仅本人可读）；查看：python manage.py demo_logins")
