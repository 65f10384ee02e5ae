from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qiaomen.core.backups.files import BackupError
from qiaomen.core.backups.services import backup_create


class Command(BaseCommand):
    help = "Writes a consistent, encrypted backup of the database (safe while the site is in use)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", type=Path, default=None, help="directory (default: QIAOMEN_BACKUP_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup_create(out_dir=options["out"] or settings.BACKUP_DIR)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))
