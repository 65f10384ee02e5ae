from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qiaomen.core.errors import InvalidInput
from qiaomen.participation.budget.disclosure import disclosure_keep
from qiaomen.places.models import Street


class Command(BaseCommand):
    help = (
        "Keeps a street's quarterly budget disclosure (公示) now, if it is not kept yet, as the job does "
        "at the start of each quarter. Example: manage.py budget_disclosure --year 2026 --quarter 3"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--quarter", required=True, type=int, help="1, 2, 3 or 4 (a quarter that is over)")
        parser.add_argument("--street", default="", help="the street's code, when the database holds several")

    def handle(self, *args: Any, **options: Any) -> None:
        street = self._street(options["street"])
        try:
            disclosure, made = disclosure_keep(street=street, year=options["year"], quarter=options["quarter"])
        except InvalidInput as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        state = "kept now" if made else "already kept"
        self.stdout.write(f"{street.code} {disclosure.label}: {state} ({len(bytes(disclosure.pdf))} bytes of PDF)")

    def _street(self, code: str) -> Street:
        streets = Street.objects.filter(code=code) if code else Street.objects.all()
        found = list(streets.order_by("pk")[:2])
        if not found:
            raise CommandError(f"no street with the code {code!r}" if code else "the database holds no street")
        if len(found) > 1:
            raise CommandError("the database holds several streets: name one with --street")
        return found[0]
