from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qiaomen.core.workdays import year_is_known
from qiaomen.tickets.selectors import workday_calendar


class Command(BaseCommand):
    help = "Prints the date N working days after a date, on the Chinese calendar with overrides."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--add", dest="days", type=int, required=True, help="working days to add")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = dt.date.fromisoformat(options["start"])
        except ValueError as exc:
            raise CommandError("--from 应为 YYYY-MM-DD 格式的日期") from exc
        if options["days"] < 0:
            raise CommandError("--add 不能为负数")
        result = workday_calendar().add_working_days(start, options["days"])
        self.stdout.write(result.isoformat())
        for year in sorted({start.year, result.year}):
            if not year_is_known(year):
                self.stderr.write(f"注意：{year} 年的法定节假日尚未收录，按周一至周五计算工作日")
