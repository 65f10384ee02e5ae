"""`python manage.py classify_demands < texts.txt`: one resident's text a line in, one line out:
`code<TAB>priority<TAB>department<TAB>confidence` (department code, confidence with 2 decimals).
An empty input line is reported on stderr and gets no output line."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from qiaomen.tickets.classification import active_taxonomy, suggest


class Command(BaseCommand):
    help = "Classify demands read one per line from standard input."
    stealth_options = ("stdin",)  # tests pass their own

    def handle(self, *args: Any, **options: Any) -> None:
        taxonomy = active_taxonomy()
        for number, line in enumerate(options.get("stdin") or sys.stdin, start=1):
            text = line.strip()
            if not text:
                self.stderr.write(f"line {number}: empty, nothing to classify")
                continue
            suggestion = suggest(text, taxonomy=taxonomy)
            self.stdout.write(
                f"{suggestion.code}\t{suggestion.priority}\t{suggestion.department}\t{suggestion.confidence:.2f}"
            )
