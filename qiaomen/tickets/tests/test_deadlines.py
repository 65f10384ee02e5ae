"""Deadlines around holidays and 调休, a minute before, at and after (R-TIC-5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from qiaomen.core.workdays import WorkdayCalendar
from qiaomen.tickets.deadlines import next_check, ticket_deadlines

CHINA = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkdayCalendar()


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=CHINA)


def test_p3_created_just_before_the_spring_festival() -> None:
    # Friday 13 Feb 2026, 17:00. Working days after it: Sat 14 (调休), then the holiday until
    # Mon 23 (a moved day off), Tue 24, Wed 25 = 3; ... Sat 28 Feb (调休) ... Thu 12 Mar = 15.
    deadlines = ticket_deadlines(routed_at=local(2026, 2, 13, 17, 0), priority="P3", calendar=CALENDAR)
    assert deadlines.accept_by == local(2026, 2, 13, 19, 0)
    assert deadlines.start_by == local(2026, 2, 25, 17, 0)
    assert deadlines.resolve_by == local(2026, 3, 12, 17, 0)


def test_p3_created_just_before_national_day() -> None:
    # Wednesday 30 Sep 2026: 1–7 Oct are off; Thu 8, Fri 9 and Sat 10 Oct (调休) are worked.
    deadlines = ticket_deadlines(routed_at=local(2026, 9, 30, 10, 0), priority="P3", calendar=CALENDAR)
    assert deadlines.start_by is not None
    start = deadlines.start_by.astimezone(CHINA).date()
    assert start == CALENDAR.add_working_days(dt.date(2026, 9, 30), 3)
    assert start == dt.date(2026, 10, 10)


def test_p3_across_the_worked_weekend_of_february() -> None:
    # Thursday 26 Feb: Fri 27, Sat 28 (调休 working day), Mon 2 Mar.
    deadlines = ticket_deadlines(routed_at=local(2026, 2, 26, 9, 0), priority="P3", calendar=CALENDAR)
    assert deadlines.start_by == local(2026, 3, 2, 9, 0)


def test_p1_and_p2_run_on_the_clock_through_holidays() -> None:
    p1 = ticket_deadlines(routed_at=local(2026, 2, 17, 3, 0), priority="P1", calendar=CALENDAR)
    p2 = ticket_deadlines(routed_at=local(2026, 2, 17, 3, 0), priority="P2", calendar=CALENDAR)
    assert p1.accept_by == local(2026, 2, 17, 3, 30)
    assert p2.accept_by == local(2026, 2, 17, 5, 0) and p2.resolve_by == local(2026, 2, 18, 3, 0)


def test_the_deadline_that_matters_follows_the_state() -> None:
    accept, start, resolve = local(2026, 3, 2, 11), local(2026, 3, 5, 9), local(2026, 3, 20, 9)
    assert next_check(status="routed", accept_by=accept, start_by=start, resolve_by=resolve) == accept
    assert next_check(status="accepted", accept_by=accept, start_by=start, resolve_by=resolve) == start
    assert next_check(status="in_progress", accept_by=accept, start_by=start, resolve_by=resolve) == resolve
    assert next_check(status="resolved", accept_by=accept, start_by=start, resolve_by=resolve) is None
