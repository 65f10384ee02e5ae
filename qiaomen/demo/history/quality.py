"""How well each community and each department works in the demo year.

Every plan target must be met somewhere and missed somewhere, so that the traffic lights of the
command centre differ. The communities take turns through three profiles (diligent, struggling,
mixed), the departments through good and poor on each of their own targets, then each value is
jittered a little from the seed so that no two look the same.

Community targets: special-group coverage and the visits (diligence), the proactive share and the
on-the-spot rate (demands found at the door and settled there), repeats (troubled buildings).
Department targets: response (hours to accept), completion (tickets left stuck), satisfaction and
second complaints (the ratings their results get).
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class CommunityQuality:
    visit_diligence: float  # chance that a due visit happens
    special_follow_up: bool  # a special household nobody met this month gets a last visit
    demand_per_visit: float  # chance that a visit that met the household hears a demand
    on_spot_skill: float  # multiplies a sub-category's chance of being settled at the door
    reports_per_household: float  # QR and staff reports a household makes in a year
    troubled_share: float  # share of buildings with a lasting problem (repeats)
    comes_back: float  # chance that a lasting problem, once reported, is reported again


@dataclass(frozen=True)
class DepartmentQuality:
    accept_hours: float  # median hours from routing to acceptance, in working time
    resolve_hours: float  # median hours from acceptance to the result (P1/P2; P3 takes days)
    stuck_share: float  # tickets the department never finishes
    satisfied_share: float  # ratings of 4 or 5
    low_share: float  # ratings of 1 or 2 (the ticket reopens: a second complaint)


# (diligence, follow-up, demand per visit, on-spot skill, reports a year, troubled buildings,
# problems that come back)
_COMMUNITY_PROFILES = (
    (0.98, True, 0.12, 1.0, 0.06, 0.02, 0.15),  # diligent: every light green
    (0.85, False, 0.02, 0.45, 0.45, 0.15, 0.6),  # struggling: every light red
    (0.93, True, 0.07, 0.55, 0.15, 0.05, 0.3),  # mixed: visits well, settles little at the door
)


def _jitter(rng: random.Random, value: float, spread: float = 0.05) -> float:
    return value * (1 + rng.uniform(-spread, spread))


def community_qualities(rng: random.Random, count: int) -> list[CommunityQuality]:
    qualities = []
    for index in range(count):
        diligence, follow_up, demand, skill, reports, troubled, back = _COMMUNITY_PROFILES[
            index % len(_COMMUNITY_PROFILES)
        ]
        qualities.append(
            CommunityQuality(
                visit_diligence=min(1.0, _jitter(rng, diligence, 0.02)),
                special_follow_up=follow_up,
                demand_per_visit=_jitter(rng, demand),
                on_spot_skill=min(1.0, _jitter(rng, skill)),
                reports_per_household=_jitter(rng, reports),
                troubled_share=_jitter(rng, troubled),
                comes_back=back,
            )
        )
    return qualities


def department_qualities(rng: random.Random, count: int) -> list[DepartmentQuality]:
    """Department i is good at response when i is even, at completion when i % 4 < 2, at
    satisfaction when (i + 1) % 3 != 0: each target is met by some and missed by others."""
    qualities = []
    for index in range(count):
        quick = index % 2 == 0
        finishing = index % 4 < 2
        liked = (index + 1) % 3 != 0
        qualities.append(
            DepartmentQuality(
                accept_hours=_jitter(rng, 0.8 if quick else 18.0, 0.2),
                resolve_hours=_jitter(rng, 5.0 if quick else 9.0, 0.2),
                stuck_share=_jitter(rng, 0.01 if finishing else 0.18, 0.2),
                satisfied_share=min(0.99, _jitter(rng, 0.94 if liked else 0.58, 0.02)),
                low_share=_jitter(rng, 0.02 if liked else 0.22, 0.2),
            )
        )
    return qualities
