from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qiaomen.tickets.services.escalation import escalation_sweep


class Command(BaseCommand):
    help = "Escalates tickets past their deadline one level and closes confirmed tickets left unrated for a week."

    def handle(self, *args: Any, **options: Any) -> None:
        result = escalation_sweep()
        self.stdout.write(f"升级 {result.escalated} 张工单，关闭 {result.closed} 张未评价工单")
