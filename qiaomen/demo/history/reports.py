"""Demands residents bring themselves: through the QR page on their door (the public intake
service, classifier and all) and at the community office, where staff enter them.

How many a day: each community's households report at their own rate, more in the seasons that
make things break and after festivals, most of all in the troubled buildings, which report the
same problem again and again (repeats). A QR demand the classifier is unsure of waits for the
community staff to classify it (intake.ticket_classify) on their next working morning.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections import defaultdict
from functools import partial

from qiaomen.demo.history.handling import during_work, ticket_follow
from qiaomen.demo.history.mix import REPORT_WEIGHTS, demand_text, demand_weights, draw, seasons_of
from qiaomen.demo.history.world import World
from qiaomen.registry.models import Household, HouseholdStatus
from qiaomen.tickets.doorcodes.residents import HEALTH_CODES, ResidentDemand, resident_demand_submit
from qiaomen.tickets.models import Channel, Status, Ticket
from qiaomen.tickets.services.intake import ticket_classify, ticket_from_text

QR_SHARE = 0.7  # of residents' own reports; the rest come to the office
TROUBLED_WEIGHT = 8  # a household in a troubled building reports this much more often


def _poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def reports_plan(world: World) -> None:
    """Put every resident's own report of the year on the timeline."""
    rng = world.rng("reports")
    by_community: dict[int, list[Household]] = defaultdict(list)
    for household in world.households.values():
        if household.status == HouseholdStatus.OCCUPIED:
            by_community[household.building.grid.community_id].append(household)
    for community_id, households in sorted(by_community.items()):
        quality = world.communities[community_id]
        weights = [TROUBLED_WEIGHT if h.building_id in world.troubled else 1 for h in households]
        mean_weight = sum(weights) / len(weights)
        for day in world.year.days:
            seasons = seasons_of(day, day in world.year.after_festival)
            busy = 1.4 if "festival" in seasons else 1.2 if ("summer" in seasons or "winter" in seasons) else 1.0
            expected = len(households) * quality.reports_per_household / 365 * busy
            for _ in range(_poisson(rng, expected)):
                household = rng.choices(households, weights=weights)[0]
                lasting = world.troubled.get(household.building_id)
                if lasting and rng.random() < min(0.9, 0.5 * TROUBLED_WEIGHT / mean_weight):
                    # A lasting problem comes back: the same household reports it again weeks later.
                    again = day + dt.timedelta(days=rng.randint(7, 60))
                    if rng.random() < quality.comes_back:
                        _report_plan(world, rng, household, again, lasting)
                    _report_plan(world, rng, household, day, lasting)
                else:
                    _report_plan(world, rng, household, day, draw(rng, demand_weights(REPORT_WEIGHTS, seasons)))


def _report_plan(world: World, rng: random.Random, household: Household, day: dt.date, code: str) -> None:
    seasons = seasons_of(day, day in world.year.after_festival)
    text = demand_text(rng, code, seasons)
    key = uuid.UUID(int=rng.getrandbits(128), version=4)
    if rng.random() < QR_SHARE and household.pk in world.door_codes:
        world.timeline.at(world.year.any_moment(rng, day), partial(_qr, world, household, code, text, key))
    else:
        world.timeline.at(world.year.working_moment(rng, day), partial(_office, world, household, code, text))


def _qr(world: World, household: Household, code: str, text: str, key: uuid.UUID, at: dt.datetime) -> None:
    demand = ResidentDemand(text=text, photos=[], submission_id=key, health_consent=code in HEALTH_CODES)
    ticket, _created = resident_demand_submit(code=world.door_codes[household.pk], demand=demand)
    world.counts["tickets_qr"] += 1
    if ticket.status == Status.NEW:
        rng = world.rng("reports.classify")
        later = during_work(world, rng, ticket.created_at + dt.timedelta(hours=rng.uniform(0.5, 6)), weekends=False)
        world.timeline.at(later, lambda at: _classify(world, ticket.pk, code))
    else:
        ticket_follow(world, ticket)


def _classify(world: World, pk: int, code: str) -> None:
    ticket = Ticket.objects.select_related("subcategory", "department").get(pk=pk)
    if ticket.status != Status.NEW or ticket.household_id is None:
        return
    staff = world.staff.community_staff[world.households[ticket.household_id].building.grid.community_id]
    subcategory = world.subcategories[code]
    ticket = ticket_classify(ticket=ticket, user=staff, subcategory=subcategory, priority=subcategory.default_priority)
    world.counts["tickets_classified"] += 1
    ticket_follow(world, ticket)


def _office(world: World, household: Household, code: str, text: str, at: dt.datetime) -> None:
    ticket = ticket_from_text(
        channel=Channel.STAFF,
        description=text,
        household=household,
        created_by=world.staff.community_staff[household.building.grid.community_id],
        subcategory=world.subcategories[code],
    )
    world.counts["tickets_staff"] += 1
    ticket_follow(world, ticket)
