"""The one shape of the participation domain's figures for the command centre (R-PAR-1 … R-PAR-4).

Each area (volunteers, residents' participation, the service menu and its points, the budget)
computes its own figures from its own rows; the command centre shows them beside the ticket and
visit targets. A figure counts what it says over the places a user may see and a period given as
two moments (the analytics layer sits above this one, so its period type is not used here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.utils.functional import Promise

Unit = Literal["percent", "count", "yuan"]


@dataclass(frozen=True)
class ResourceFigure:
    code: str  # stable: "participation_rate", "active_groups", "menu_size", "service_point_coverage" …
    label: Promise
    unit: Unit
    value: Decimal | None  # a share in 0..1 for "percent"; None when there is nothing to count
    goal: Decimal | None  # None where the plan sets no goal (budget use is shown, not judged)
    numerator: int | Decimal
    denominator: int | Decimal | None
    higher_is_better: bool = True
    url_name: str | None = None  # the staff page (web namespace) that lists the rows behind it

    @property
    def met(self) -> bool | None:
        if self.value is None or self.goal is None:
            return None
        return self.value >= self.goal if self.higher_is_better else self.value <= self.goal


FigureSource = Callable[..., list[ResourceFigure]]
