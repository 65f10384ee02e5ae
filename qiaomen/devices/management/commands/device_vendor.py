from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qiaomen.core.errors import DomainError
from qiaomen.devices.models.devices import Vendor
from qiaomen.devices.vendors import vendor_create, vendor_secret_renew


class Command(BaseCommand):
    help = (
        "Adds a device vendor (or gateway) allowed to send signed events, or renews its secret, and "
        "prints the secret once for the vendor's platform. Example: manage.py device_vendor add "
        "--code acme --name 'Acme 手环'; manage.py device_vendor renew --code acme"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["add", "renew"])
        parser.add_argument("--code", required=True)
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "add":
                vendor, secret = vendor_create(name=options["name"], code=options["code"])
            else:
                found = Vendor.objects.filter(code=options["code"]).first()
                if found is None:
                    raise CommandError(f"no vendor with the code {options['code']!r}")
                vendor, secret = found, vendor_secret_renew(vendor=found)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(f"vendor {vendor.code}: secret {secret}")
        self.stdout.write("Give the secret to the vendor's platform now: it is kept encrypted and not shown again.")
