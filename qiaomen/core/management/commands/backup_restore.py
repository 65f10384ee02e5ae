from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.management.base import BaseCommand, CommandError

from qiaomen.core.backups.files import BackupError
from qiaomen.core.backups.services import backup_restore


class Command(BaseCommand):
    help = (
        "Restores a backup onto an empty database (the configured one, or --database-url), then "
        "checks row counts and decrypts a sample. Refuses a database that holds any table."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--database-url", default="", help="restore here instead of DATABASE_URL")

    def handle(self, *args: Any, **options: Any) -> None:
        into = dj_database_url.parse(options["database_url"]) if options["database_url"] else None
        try:
            check = backup_restore(path=options["file"], into=dict(into) if into else None)
        except BackupError as exc:
            raise CommandError(f"restore refused or failed: {exc}") from exc
        self.stdout.write(
            f"restored {sum(check.counts.values())} rows in {len(check.counts)} tables; counts match the "
            f"manifest; {check.decrypted} encrypted values decrypted"
        )
