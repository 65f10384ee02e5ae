"""Fills a city test's fresh database through the project's own builders and services.

Run as `python -m qiaomen.tests.city_setup street` (the small street of qiaomen.testing) or
`python -m qiaomen.tests.city_setup overdue-tickets N` (the street, and N immediate tickets routed
two hours ago, so that each is past its 30 minutes), with DATABASE_URL naming that database. It
prints what the test needs as one JSON object.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiaomen.settings")
    import django

    django.setup()
    import time_machine
    from django.utils import timezone

    from qiaomen.testing import PASSWORD, make_small_street
    from qiaomen.tickets.models import Channel, Subcategory
    from qiaomen.tickets.services import ticket_create

    street = make_small_street()
    out: dict[str, object] = {
        "username": street.users["worker_a"].username,
        "password": PASSWORD,
        "household_id": street.household_a.pk,
    }
    if argv[0] == "overdue-tickets":
        emergency = Subcategory.objects.get(code="EMG-HEALTH")
        with time_machine.travel(timezone.now() - dt.timedelta(hours=2), tick=False):
            tickets = [
                ticket_create(
                    channel=Channel.STAFF,
                    description=f"独居老人摔倒 {number}",
                    subcategory=emergency,
                    household=street.household_a,
                    created_by=street.users["worker_a"],
                )
                for number in range(int(argv[1]))
            ]
        out["ticket_ids"] = [ticket.pk for ticket in tickets]
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
