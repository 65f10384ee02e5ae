"""What one claim_transition did, handed to the row's `transition_event()` to write its history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Transition:
    action: str
    old: str
    new: str
    actor: Any  # the user who acted, or None for the system (the sweep, a resident's link)
    at: dt.datetime
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
