from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qiaomen.core.backups.files import BackupError
from qiaomen.core.backups.services import backup_verify


class Command(BaseCommand):
    help = (
        "Checks a backup: its authentication tag, the copy's integrity, row counts against its "
        "manifest, and that a sample of encrypted values decrypts with the data keys."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            check = backup_verify(path=options["file"])
        except BackupError as exc:
            raise CommandError(f"backup NOT usable: {exc}") from exc
        rows = sum(check.header.manifest.values())
        self.stdout.write(
            f"backup OK: {check.header.vendor}, taken {check.header.created_at}, "
            f"{len(check.header.manifest)} tables, {rows} rows, {check.decrypted} encrypted values decrypted"
        )
