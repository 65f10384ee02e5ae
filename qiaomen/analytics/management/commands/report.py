from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qiaomen.analytics.reports.request import report_request
from qiaomen.analytics.reports.services import report_render, street_scope
from qiaomen.core.errors import InvalidInput
from qiaomen.places.models import Street


class Command(BaseCommand):
    help = (
        "Writes a street's report: the monthly bulletin (月通报), the quarterly assessment (季考核) or "
        "the yearly awards ranking (年评优), as Excel or PDF. Example: "
        "manage.py report --kind monthly --period 2026-11 --format pdf --out 月通报.pdf"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--kind", required=True, help="monthly, quarterly or yearly")
        parser.add_argument("--period", required=True, help="2026-11 (monthly), 2026Q4 (quarterly), 2026 (yearly)")
        parser.add_argument("--format", required=True, help="xlsx or pdf")
        parser.add_argument("--out", required=True, type=Path, help="the file to write")
        parser.add_argument("--street", default="", help="the street's code, when the database holds several")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            request = report_request(kind=options["kind"], period=options["period"], format=options["format"])
        except InvalidInput as exc:
            raise CommandError(str(exc.message)) from exc
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"no such directory: {out.parent}")
        street = self._street(options["street"])
        rendered = report_render(
            request=request, scope=street_scope(street), place_name=street.name, now=timezone.now()
        )
        out.write_bytes(rendered.content)
        self.stdout.write(f"{rendered.filename}: {len(rendered.content)} bytes written to {out}")

    def _street(self, code: str) -> Street:
        streets = Street.objects.filter(code=code) if code else Street.objects.all()
        found = list(streets.order_by("pk")[:2])
        if not found:
            raise CommandError(f"no street with the code {code!r}" if code else "the database holds no street")
        if len(found) > 1:
            codes = ", ".join(Street.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"the database holds several streets ({codes}): name one with --street")
        return found[0]
