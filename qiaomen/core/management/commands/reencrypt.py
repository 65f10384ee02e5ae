from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qiaomen.core.reencrypt import BATCH_SIZE, ModelCount, values_reencrypt


class Command(BaseCommand):
    help = (
        "Rewrites every encrypted value that is not under the current key and the row binding (v2): "
        "after the v1→v2 change and after each key rotation. Idempotent and resumable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="rows per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(count: ModelCount) -> None:
            self.stdout.write(f"  {count.label}: {count.stale_rows} rows so far", ending="\r")

        counts = values_reencrypt(batch_size=options["batch_size"], on_batch=progress)
        for count in counts:
            self.stdout.write(
                f"{count.label}: {count.stale_rows} stale rows, {count.rewritten_values} values rewritten, "
                f"{len(count.failed)} failed"
            )
            for pk, field in count.failed:
                self.stderr.write(f"  {count.label} #{pk} {field}: does not decrypt (tampered, moved or key missing)")
        failed = sum(len(count.failed) for count in counts)
        if failed:
            raise CommandError(f"{failed} values did not decrypt and were left as they are")
        self.stdout.write(f"done: {sum(c.rewritten_values for c in counts)} values rewritten")
