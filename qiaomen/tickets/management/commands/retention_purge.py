from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qiaomen.tickets.retention import CATEGORIES, retention_purge


class Command(BaseCommand):
    help = (
        "Removes or blanks personal data older than its retention period (QIAOMEN_RETENTION_*_DAYS, "
        "QIAOMEN_AUDIT_RETENTION_DAYS); ticket rows and their figures stay. --dry-run only counts."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="print what would go, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_purge(dry_run=options["dry_run"])
        verb = "would go" if report.dry_run else "removed or blanked"
        for category in CATEGORIES:
            days = settings.RETENTION_DAYS[category]
            self.stdout.write(f"{category:<18} kept {days:>5} days  {verb}: {report.counts[category]}")
        if report.refused:
            raise CommandError("; ".join(f"{category}: {why}" for category, why in report.refused.items()))
