"""Small arithmetic shared by the figures of every domain."""

from __future__ import annotations


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (a figure "not applicable",
    which a page shows as a dash rather than as 0 %)."""
    return part / whole if whole else None
