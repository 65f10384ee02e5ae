"""Demands that come together (R-ANA-2): pairs of sub-categories asked for by the same household
within 90 days of each other, ranked by lift.

Counted over households, among those with at least one demand in the period (N):
- n(A) = households that asked for A; n(A, B) = households with an A and a B demand no more than
  90 days apart (A ≠ B);
- support = n(A, B) / N; confidence A→B = n(A, B) / n(A);
- lift = n(A, B) · N / (n(A) · n(B)): how many times more often the pair occurs than if A and B
  were asked for independently; 1 means no link.

One query reads (household, sub-category, time) for the period's demands sorted by household and
time; one pass with a 90-day window over each household's few demands finds the pairs. A pair
needs `min_support` of the households and at least `min_households` of them, so that one family's
story does not top the list.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.analytics.periods import ReportPeriod
from qiaomen.analytics.trends import scoped_tickets
from qiaomen.registry.models import Person
from qiaomen.tickets.models import Subcategory

WINDOW = dt.timedelta(days=90)


@dataclass(frozen=True)
class Pair:
    first: str  # sub-category codes, first < second
    second: str
    first_name: str
    second_name: str
    households: int  # n(A, B)
    first_households: int  # n(A)
    second_households: int  # n(B)
    total_households: int  # N

    @property
    def support(self) -> float:
        return self.households / self.total_households

    @property
    def confidence(self) -> float:
        """A→B: of the households that asked for the first, the share that also asked for the second."""
        return self.households / self.first_households

    @property
    def confidence_back(self) -> float:
        """B→A."""
        return self.households / self.second_households

    @property
    def lift(self) -> float:
        return self.households * self.total_households / (self.first_households * self.second_households)


@dataclass(frozen=True)
class Cooccurrence:
    total_households: int
    pairs: list[Pair]


def pairs_in_window(demands: Iterable[tuple[int, dt.datetime]], window: dt.timedelta = WINDOW) -> set[tuple[int, int]]:
    """The pairs (a, b), a < b, of different sub-categories no more than `window` apart among one
    household's demands, given as (sub-category id, time) sorted by time."""
    found: set[tuple[int, int]] = set()
    recent: list[tuple[int, dt.datetime]] = []
    for subcategory, moment in demands:
        recent = [(other, then) for other, then in recent if moment - then <= window]
        for other, _then in recent:
            if other != subcategory:
                found.add((min(other, subcategory), max(other, subcategory)))
        recent.append((subcategory, moment))
    return found


def _household_demands(
    rows: Iterable[tuple[int, int, dt.datetime]],
) -> Iterator[list[tuple[int, dt.datetime]]]:
    for _household, group in groupby(rows, key=itemgetter(0)):
        yield [(subcategory, moment) for _h, subcategory, moment in group]


def cooccurrence(
    *,
    scope: PlaceScope,
    period: ReportPeriod,
    min_support: float = 0.005,
    min_households: int = 2,
    tag: str | None = None,
    limit: int = 20,
) -> Cooccurrence:
    """Pairs of sub-categories within 90 days in one household, highest lift first (then more
    households); `tag` keeps the households with a member carrying that tag (e.g. elder_alone)."""
    tickets = scoped_tickets(scope).filter(
        household__isnull=False, created_at__gte=period.start, created_at__lt=period.end
    )
    if tag:
        tickets = tickets.filter(household_id__in=Person.objects.filter(tags__code=tag).values("household_id"))
    rows = tickets.order_by("household_id", "created_at", "pk").values_list(
        "household_id", "subcategory_id", "created_at"
    )
    households = 0
    asked: dict[int, int] = defaultdict(int)
    together: dict[tuple[int, int], int] = defaultdict(int)
    for demands in _household_demands(rows.iterator(chunk_size=5000)):
        households += 1
        for subcategory in {subcategory for subcategory, _moment in demands}:
            asked[subcategory] += 1
        for pair in pairs_in_window(demands):
            together[pair] += 1
    if not households:
        return Cooccurrence(0, [])
    needed = max(min_households, min_support * households)
    kept = {pair: n for pair, n in together.items() if n >= needed}
    known = list(
        Subcategory.objects.filter(pk__in={s for pair in kept for s in pair}).values_list("pk", "code", "name")
    )
    codes = {pk: code for pk, code, _name in known}
    names = {pk: name for pk, _code, name in known}
    pairs = []
    for (a, b), n in kept.items():
        first, second = sorted((a, b), key=lambda pk: codes[pk])
        pairs.append(
            Pair(
                first=codes[first],
                second=codes[second],
                first_name=names[first],
                second_name=names[second],
                households=n,
                first_households=asked[first],
                second_households=asked[second],
                total_households=households,
            )
        )
    pairs.sort(key=lambda pair: (-pair.lift, -pair.households, pair.first, pair.second))
    return Cooccurrence(households, pairs[:limit])
