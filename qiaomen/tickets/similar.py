"""Similar open demands (issue 5, item 5): the open tickets that may be the same demand raised
twice, by two neighbours, a resident and the grid worker, or the QR page and a phone call.

A candidate must be of the same sub-category, in the same place (the ticket's grid; a ticket
without a grid, through its household's building), created within SIMILAR_WINDOW before or after
it, still open (OPEN_STATUSES leaves out resolved, closed and merged ones), and its text must be
alike. Text likeness is the cosine of character unigram + bigram counts: cheap, pure Python,
no model, and robust to the word order and filler words of spoken Chinese, where word
segmentation of short colloquial texts is itself unreliable. Candidates in the same building
come before the rest of the grid, then by likeness.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import unicodedata
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from qiaomen.accounts.models import User
from qiaomen.tickets.models import OPEN_STATUSES, Ticket
from qiaomen.tickets.selectors import tickets_for_user

SIMILAR_WINDOW = dt.timedelta(days=30)
# Above this cosine two texts read as the same demand. Measured on the classifier's corpus
# (qiaomen/tickets/classification/corpus: ~50 different residents' demands per sub-category, 36,000
# pairs of *different* demands of one sub-category): 97 % of those pairs score below 0.27, 99 %
# below 0.34, 0.8 % at 0.35 or more; the re-worded duplicates in tests/test_similar.py (a neighbour
# telling the same broken lamp, leak or rubbish heap in their own words) score 0.40–0.71. So 0.35
# flags fewer than one unrelated demand in a hundred, at the price of missing a duplicate worded
# with almost no character in common (which staff still find in the list of the grid's tickets).
SIMILARITY_THRESHOLD = 0.35
# The most recent open tickets of the same sub-category in one grid that are compared at most: a
# grid has a few hundred households, so this is more than a month ever holds, and it bounds the
# work of a detail page whatever happens.
MAX_CANDIDATES = 200
# Characters that carry no meaning of their own in residents' spoken Chinese; left in, every
# "我家的……了" text would look a little like every other.
FILLER = frozenset("的了我你他她它们是在有也就都和很吗呢吧啊呀嘛哦哎诶啦这那个一")


def text_features(text: str) -> Counter[str]:
    """Character unigrams and bigrams of the text's letters and digits (punctuation, spaces and
    filler characters dropped; full-width forms folded to their usual ones, Latin lower-cased)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    kept = [ch for ch in folded if ch.isalnum() and ch not in FILLER]
    features: Counter[str] = Counter(kept)
    features.update(a + b for a, b in itertools.pairwise(kept))
    return features


def text_similarity(a: str | Counter[str], b: str | Counter[str]) -> float:
    """Cosine of the two texts' character unigram + bigram counts, 0 (nothing shared) to 1."""
    fa = text_features(a) if isinstance(a, str) else a
    fb = text_features(b) if isinstance(b, str) else b
    if not fa or not fb:
        return 0.0
    if len(fa) > len(fb):
        fa, fb = fb, fa
    dot = sum(count * fb[feature] for feature, count in fa.items())
    norm = math.sqrt(sum(c * c for c in fa.values())) * math.sqrt(sum(c * c for c in fb.values()))
    return dot / norm


def building_of(ticket: Ticket) -> int | None:
    """The id of the building of the ticket's household, if it has one."""
    return ticket.household.building_id if ticket.household is not None else None


@dataclass(frozen=True)
class SimilarTicket:
    ticket: Ticket
    similarity: float
    same_building: bool


def _candidates(ticket: Ticket, user: User | None) -> QuerySet[Ticket]:
    """The bounded query: same sub-category, same grid (or building when the ticket has no grid),
    open, within the window, and visible to `user` when one is given. The grid's foreign-key index
    narrows it to one grid's tickets."""
    tickets = (
        (tickets_for_user(user) if user is not None else Ticket.objects.all())
        .filter(
            subcategory_id=ticket.subcategory_id,
            status__in=sorted(OPEN_STATUSES),
            merged_into__isnull=True,
            created_at__gte=ticket.created_at - SIMILAR_WINDOW,
            created_at__lte=ticket.created_at + SIMILAR_WINDOW,
        )
        .exclude(pk=ticket.pk)
    )
    if ticket.grid_id is not None:
        tickets = tickets.filter(grid_id=ticket.grid_id)
    elif ticket.household is not None:
        tickets = tickets.filter(household__building_id=ticket.household.building_id)
    else:
        return Ticket.objects.none()
    return tickets.select_related("subcategory", "department", "household__building").order_by("-created_at")[
        :MAX_CANDIDATES
    ]


def similar_open_tickets(ticket: Ticket, *, limit: int = 5, user: User | None = None) -> list[SimilarTicket]:
    """The open tickets that may be the same demand as `ticket`, most likely first: those in the
    same building before the rest of the grid, then by text likeness (SIMILARITY_THRESHOLD at
    least). One query (with `user`, plus reading the user's places): only tickets that user may see
    (tickets_for_user)."""
    if ticket.subcategory_id is None:
        return []
    own = text_features(ticket.description)
    building_id = building_of(ticket)
    found = []
    for candidate in _candidates(ticket, user):
        score = text_similarity(own, text_features(candidate.description))
        if score >= SIMILARITY_THRESHOLD:
            same_building = building_id is not None and building_of(candidate) == building_id
            found.append(SimilarTicket(candidate, round(score, 2), same_building))
    found.sort(key=lambda s: (not s.same_building, -s.similarity, s.ticket.pk))
    return found[:limit]
