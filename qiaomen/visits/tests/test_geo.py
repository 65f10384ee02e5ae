from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qiaomen.visits.geo import distance_m, path_length_m, walking_order

CENTRE = (31.2304, 121.4737)


def test_distance_of_a_known_pair() -> None:
    # One minute of latitude is about 1,852 m.
    assert abs(distance_m((31.0, 121.0), (31.0 + 1 / 60, 121.0)) - 1852) < 5


def test_points_on_a_line_are_walked_in_line_order() -> None:
    points = [(31.2304, 121.4737 + step * 0.001) for step in (3, 1, 4, 2)]
    assert walking_order(CENTRE, points) == [1, 3, 0, 2]


coords = st.tuples(st.floats(31.22, 31.24), st.floats(121.46, 121.48))


@settings(max_examples=60, deadline=None)
@given(points=st.lists(coords, min_size=0, max_size=25))
def test_every_point_is_visited_once_and_the_walk_is_never_longer_than_the_input(
    points: list[tuple[float, float]],
) -> None:
    order = walking_order(CENTRE, points)
    assert sorted(order) == list(range(len(points)))
    assert path_length_m(CENTRE, [points[i] for i in order]) <= path_length_m(CENTRE, points) + 1e-6
