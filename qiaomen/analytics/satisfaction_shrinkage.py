"""Empirical-Bayes satisfaction scores: each unit's share of satisfied ratings pulled toward the
mean of all its peers, by as much as its own number of ratings leaves it uncertain.

The model is beta-binomial: each unit (a grid, a department, a worker) has a true satisfied share
drawn from Beta(α, β) around the street mean m = α / (α + β); its ratings are draws from that
share. The prior strength κ = α + β is how many ratings' worth of the street mean every unit
starts with, so a unit's shrunk score is (satisfied + κ·m) / (rated + κ): two ratings of 5 barely
move a worker off the mean, two hundred ratings speak for themselves.

κ is fitted by the method of moments on the units of one level: the spread of the units' raw
shares, beyond the spread that their numbers of ratings alone would cause, is the real
difference between units. For a raw share p_i over n_i ratings,

    Var(p_i) = m(1 − m) · (ρ + (1 − ρ) / n_i),   ρ = 1 / (κ + 1),

so with s² the units' sample variance and h the mean of 1 / n_i, ρ = (s² / m(1 − m) − h) / (1 − h).
When the units differ no more than chance would make them (ρ ≤ 0), or when there are fewer than
two units, there is no spread to measure: κ takes its ceiling and every unit sits at the mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Bounds on κ. The floor keeps a very uneven street (few units, wild shares) from trusting a
# handful of ratings, which is what shrinkage is for; the ceiling stands for "no measurable
# difference between units" (ρ ≤ 0) while keeping the arithmetic finite.
MIN_PRIOR_STRENGTH = 2.0
MAX_PRIOR_STRENGTH = 1000.0


@dataclass(frozen=True)
class Prior:
    """Beta(α, β) around the street mean; `fitted` is False when κ could not be measured."""

    mean: float
    strength: float  # κ = α + β, in ratings
    units: int
    fitted: bool

    @property
    def alpha(self) -> float:
        return self.mean * self.strength

    @property
    def beta(self) -> float:
        return (1 - self.mean) * self.strength

    def shrink(self, *, satisfied: int, rated: int) -> float:
        """The posterior mean of a unit's satisfied share."""
        return (satisfied + self.alpha) / (rated + self.strength)


def prior_fit(counts: Sequence[tuple[int, int]], *, mean: float) -> Prior:
    """The prior for units given as (satisfied, rated), centred on `mean` (the street's share)."""
    units = [(satisfied, rated) for satisfied, rated in counts if rated > 0]
    spread = mean * (1 - mean)
    if len(units) < 2 or spread == 0:
        return Prior(mean, MAX_PRIOR_STRENGTH, len(units), fitted=False)
    shares = [satisfied / rated for satisfied, rated in units]
    average = sum(shares) / len(shares)
    variance = sum((share - average) ** 2 for share in shares) / (len(shares) - 1)
    h = sum(1 / rated for _, rated in units) / len(units)
    if h >= 1:  # one rating per unit: chance alone explains any spread
        return Prior(mean, MAX_PRIOR_STRENGTH, len(units), fitted=False)
    rho = (variance / spread - h) / (1 - h)
    if rho <= 0:
        return Prior(mean, MAX_PRIOR_STRENGTH, len(units), fitted=True)
    strength = min(MAX_PRIOR_STRENGTH, max(MIN_PRIOR_STRENGTH, 1 / min(rho, 1.0) - 1))
    return Prior(mean, strength, len(units), fitted=True)
