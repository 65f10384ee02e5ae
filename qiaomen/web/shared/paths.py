"""Paths of one URL pattern for many rows, reversed once.

A list page links every row to its record (a work list of 216 households has two links a row):
`{% url %}` resolves the pattern for each link, which was about a sixth of the work list page's
time. Here the pattern is reversed once per script prefix with a marker in place of the primary
key, and each row's path is that path with its key put in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.urls import get_script_prefix, reverse

# Digits that no URL pattern of ours contains, in place of the key while reversing.
_MARKER = 918273645


@lru_cache(maxsize=64)
def _halves(name: str, script_prefix: str) -> tuple[str, str]:
    path = reverse(name, args=[_MARKER])
    head, marker, tail = path.partition(str(_MARKER))
    if not marker or str(_MARKER) in tail:
        raise ValueError(f"{name}: its path does not hold the key exactly once")
    return head, tail


def path_for_pk(name: str) -> Callable[[int], str]:
    """A function giving the path of URL pattern `name` for a primary key, the path
    `reverse(name, args=[pk])` gives."""
    head, tail = _halves(name, get_script_prefix())
    return lambda pk: f"{head}{pk}{tail}"
