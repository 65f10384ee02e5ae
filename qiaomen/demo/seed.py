"""A realistic, deterministic demo street: for trying Qiaomen out, for the benchmarks, and for
the test that searches the raw database file for plaintext ID numbers.

`demo_street_create` draws everything from one `random.Random(seed)`: the same seed on the same
day gives the same places, names and ID numbers (birth dates count back from `today`). It writes
in bulk, one grid at a time, inside one transaction, so 70,000 households (about 200,000 people)
take well under two minutes on SQLite and a failure leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.demo.doorcodes import demo_door_codes_issue
from qiaomen.demo.households import HouseholdWriter
from qiaomen.demo.places import STREET_CODE, PlaceDrawer
from qiaomen.demo.rights import demo_rights_requests_create
from qiaomen.demo.users import DEMO_USERNAMES, DemoLogin, demo_users_create
from qiaomen.places.models import Street
from qiaomen.registry.models import Household

MIN_HOUSEHOLDS = 30


@dataclass(frozen=True)
class DemoStreet:
    street: Street
    counts: dict[str, int]
    logins: list[DemoLogin]
    password: str


def demo_street_create(
    *, households: int, seed: int, password: str, today: dt.date | None = None, rights_requests: bool = True
) -> DemoStreet:
    """Build the demo street, its people and the demo users, all or nothing, with one audit row.
    `rights_requests=False` leaves out the residents' rights requests, for a caller that writes
    the street at the start of a demo year and adds them when the year reaches today."""
    if households < MIN_HOUSEHOLDS:
        raise InvalidInput(
            "demo_households_too_few",
            _("The demo street needs at least %(count)s households.") % {"count": MIN_HOUSEHOLDS},
        )
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidInput(
            "demo_password_weak",
            _("The demo accounts' password is too weak: %(problems)s") % {"problems": "；".join(exc.messages)},
        ) from exc
    with transaction.atomic():
        if Household.objects.exists():
            raise Conflict(
                "registry_not_empty",
                _("The registry already has households; demo data can only go into an empty registry."),
            )
        if (
            Street.objects.filter(code=STREET_CODE).exists()
            or User.objects.filter(username__in=DEMO_USERNAMES).exists()
        ):
            raise Conflict(
                "demo_names_taken",
                _("The street code %(code)s or a demo user name is already taken.") % {"code": STREET_CODE},
            )
        # One generator for places and people, drawn from in a fixed order: the same seed, the same street.
        rng = random.Random(seed)
        writer = HouseholdWriter(rng=rng, today=today or timezone.localdate(), now=timezone.now())
        places = PlaceDrawer(rng)
        street, grids, sizes = places.street_create(households)
        for grid, size in zip(grids, sizes, strict=True):
            writer.grid_fill(places.grid_buildings_create(grid, size))
        logins = demo_users_create(street=street, grids=grids, password=password)
        counts = {**places.counts, **writer.counts}
        # A QR door code for every household still living here, so the stickers and /q/ pages work.
        counts["door_codes"] = demo_door_codes_issue()
        # A few residents' rights requests (one done, one open, one overdue) for the rights page.
        if rights_requests:
            counts["rights_requests"] = demo_rights_requests_create(now=timezone.now())
        audit_record(action="registry.seed_demo", actor_name="seed_demo", obj=street, detail={"seed": seed, **counts})
    return DemoStreet(street=street, counts=counts, logins=logins, password=password)
