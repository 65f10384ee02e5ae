"""The demo's people: ID numbers stay unique and keep coming when a region's run out."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from qiaomen.core.idnumber import make_id_number, parse_id_number
from qiaomen.demo.people import Member, PersonDrawer
from qiaomen.demo.vocabulary import LOCAL_REGIONS

BIRTH = dt.date(1965, 3, 8)


def test_a_full_region_does_not_stop_the_drawing() -> None:
    """Every number of 330105 for this birth date and gender is taken (what the commonest birth
    dates of a 4,000,000-household city came to): the next person gets one from another region."""
    drawer = PersonDrawer(rng=random.Random(5), today=dt.date(2026, 12, 7))
    drawer.used_ids = {make_id_number("330105", BIRTH, sequence, "M") for sequence in range(100)}
    member = Member(relationship="head", gender="M", birth=BIRTH, age=61, surname="王")
    drawn = drawer.id_number("330105", member)
    assert not drawn.value.startswith("330105")
    assert parse_id_number(drawn.value).birth_date == BIRTH and drawn.gender == "M"


def test_numbers_never_repeat() -> None:
    drawer = PersonDrawer(rng=random.Random(6), today=dt.date(2026, 12, 7))
    member = Member(relationship="head", gender="F", birth=BIRTH, age=61, surname="李")
    drawn = [drawer.id_number("", member).value for _ in range(300)]
    assert len(set(drawn)) == 300


def test_a_spent_region_is_skipped_at_once_and_running_out_is_said() -> None:
    drawer = PersonDrawer(rng=random.Random(7), today=dt.date(2026, 12, 7))
    member = Member(relationship="head", gender="M", birth=BIRTH, age=61, surname="赵")
    drawer.used_ids = {make_id_number("330105", BIRTH, sequence, "M") for sequence in range(100)}
    drawer.id_number("330105", member)
    assert ("330105", BIRTH, "M") in drawer.spent
    # Every region spent for this date and gender: a clear error, not an endless draw.
    drawer.spent |= {(code, BIRTH, "M") for code in LOCAL_REGIONS}
    with pytest.raises(RuntimeError, match="no ID numbers left"):
        drawer.id_number("", member)
