"""A short walk through a list of points (distances from core.geo).

A grid is a few hundred metres across, so an equirectangular projection around the grid is
accurate to well under a metre here; haversine is used for check-in distances all the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from qiaomen.core.geo import Point, distance_m


def path_length_m(start: Point, points: Sequence[Point]) -> float:
    """Walking distance from `start` through `points` in the given order (straight lines)."""
    total = 0.0
    here = start
    for point in points:
        total += distance_m(here, point)
        here = point
    return total


def _nearest_neighbour(start: Point, points: Sequence[Point]) -> list[int]:
    remaining = set(range(len(points)))
    order: list[int] = []
    here = start
    while remaining:
        # Ties broken by index so that the same input always gives the same walk.
        nearest = min(remaining, key=lambda i: (distance_m(here, points[i]), i))
        order.append(nearest)
        remaining.remove(nearest)
        here = points[nearest]
    return order


def _two_opt(start: Point, points: Sequence[Point], order: list[int]) -> list[int]:
    """Reverse segments while that shortens the open path (the walk does not return to start)."""
    route = [start, *(points[i] for i in order)]
    indices = [-1, *order]
    improved = True
    while improved:
        improved = False
        for i in range(1, len(route) - 1):
            for j in range(i + 1, len(route)):
                before = distance_m(route[i - 1], route[i])
                after = distance_m(route[i - 1], route[j])
                if j + 1 < len(route):
                    before += distance_m(route[j], route[j + 1])
                    after += distance_m(route[i], route[j + 1])
                if after < before - 1e-9:
                    route[i : j + 1] = reversed(route[i : j + 1])
                    indices[i : j + 1] = reversed(indices[i : j + 1])
                    improved = True
    return indices[1:]


def walking_order(start: Point, points: Sequence[Point]) -> list[int]:
    """Indices of `points` in a short walking order from `start`: nearest neighbour, then 2-opt.

    Never longer than the order given: if the heuristic somehow is, the input order is kept.
    """
    if len(points) <= 1:
        return list(range(len(points)))
    order = _two_opt(start, points, _nearest_neighbour(start, points))
    given = list(range(len(points)))
    if path_length_m(start, [points[i] for i in order]) > path_length_m(start, points):
        return given
    return order
