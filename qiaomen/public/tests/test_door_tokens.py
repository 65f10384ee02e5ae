"""The QR page's tokens: unknown ones are 404 and guessing many is throttled (429); revoked ones
are 404; a token sees only its own household's demands (or its person's)."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from qiaomen.public.tests.conftest import Doors
from qiaomen.testing import queries_outside_cache
from qiaomen.tickets.doorcodes.codes import door_code_reissue, door_code_revoke
from qiaomen.tickets.models import Channel, Subcategory
from qiaomen.tickets.services import ticket_create


def test_security_28_a_thousand_random_tokens_are_404_then_429_and_the_ip_is_blocked_for_real_tokens_too(
    doors: Doors,
    resident: Callable[[str], Client],
    settings: Settings,
) -> None:
    settings.QR_VIEWS_PER_IP_PER_MINUTE = 10_000  # the guessing limit alone is under test here
    guesser = resident("203.0.113.9")
    statuses = [guesser.get(Doors.url(secrets.token_urlsafe(24))).status_code for _ in range(1000)]
    misses = settings.QR_MISSES_PER_IP
    assert statuses[:misses] == [404] * misses
    assert statuses[misses:] == [429] * (1000 - misses)
    # Blocked before any lookup, and the real token gets the same 429: no oracle for a guesser.
    with CaptureQueriesContext(connection) as blocked:
        assert guesser.get(Doors.url(doors.token_a)).status_code == 429
    assert queries_outside_cache(blocked) == []
    # Another IP is not affected: its household opens its page, its typo is a plain 404.
    neighbour = resident("198.51.100.7")
    assert neighbour.get(Doors.url(doors.token_a)).status_code == 200
    assert neighbour.get(Doors.url(secrets.token_urlsafe(24))).status_code == 404


def test_the_page_for_an_unknown_token_is_a_friendly_chinese_404(
    doors: Doors, resident: Callable[[str], Client]
) -> None:
    response = resident("10.0.0.2").get(Doors.url("not-a-real-token"))
    assert response.status_code == 404
    assert "二维码无效或已更换" in response.content.decode()


def test_a_household_using_its_own_code_is_never_counted_as_guessing(
    doors: Doors, resident: Callable[[str], Client], settings: Settings
) -> None:
    settings.QR_VIEWS_PER_IP_PER_MINUTE = 10_000
    phone = resident("10.0.0.3")
    for _ in range(settings.QR_MISSES_PER_IP * 2):
        assert phone.get(Doors.url(doors.token_a)).status_code == 200


def test_page_views_are_limited_per_ip(doors: Doors, resident: Callable[[str], Client], settings: Settings) -> None:
    settings.QR_VIEWS_PER_IP_PER_MINUTE = 5
    phone = resident("10.0.0.4")
    assert [phone.get(Doors.url(doors.token_a)).status_code for _ in range(6)] == [200] * 5 + [429]
    assert resident("10.0.0.5").get(Doors.url(doors.token_a)).status_code == 200


def test_security_28_a_revoked_token_is_404_and_the_reissued_one_works(
    doors: Doors, resident: Callable[[str], Client]
) -> None:
    s = doors.street
    new, new_token = door_code_reissue(code=doors.code_a, user=s.users["worker_a"])
    phone = resident("10.0.0.6")
    assert phone.get(Doors.url(doors.token_a)).status_code == 404
    assert phone.get(Doors.url(new_token)).status_code == 200
    door_code_revoke(code=new, user=s.users["worker_a"])
    assert phone.get(Doors.url(new_token)).status_code == 404


def _ticket(doors: Doors, household: str, text: str, **extra: object) -> None:
    s = doors.street
    ticket_create(
        channel=Channel.QR,
        description=text,
        subcategory=Subcategory.objects.get(code="LIF-FAC"),
        household=getattr(s, household),
        **extra,  # type: ignore[arg-type]
    )


def test_security_28_a_token_sees_only_its_own_households_demands(
    doors: Doors, resident: Callable[[str], Client]
) -> None:
    _ticket(doors, "household_a", "A栋楼道灯坏了")
    _ticket(doors, "household_b", "B栋电梯坏了")
    phone = resident("10.0.0.7")
    page_a = phone.get(Doors.url(doors.token_a)).content.decode()
    page_b = phone.get(Doors.url(doors.token_b)).content.decode()
    assert "A栋楼道灯坏了" in page_a and "B栋电梯坏了" not in page_a
    assert "B栋电梯坏了" in page_b and "A栋楼道灯坏了" not in page_b


def test_a_personal_code_sees_only_that_persons_demands(doors: Doors, resident: Callable[[str], Client]) -> None:
    s = doors.street
    _ticket(doors, "household_a", "老人的热水器坏了", person=s.elder_a)
    _ticket(doors, "household_a", "孩子房间的窗户坏了", person=s.child_a)
    phone = resident("10.0.0.8")
    personal = phone.get(Doors.url(doors.elder_token)).content.decode()
    household = phone.get(Doors.url(doors.token_a)).content.decode()
    assert "老人的热水器坏了" in personal and "孩子房间的窗户坏了" not in personal
    assert "老人的热水器坏了" in household and "孩子房间的窗户坏了" in household


def test_the_page_shows_no_name_id_number_phone_or_address(doors: Doors, resident: Callable[[str], Client]) -> None:
    s = doors.street
    _ticket(doors, "household_a", "楼道灯坏了", person=s.elder_a)
    content = resident("10.0.0.9").get(Doors.url(doors.token_a)).content.decode()
    for secret in (s.elder_a.name, s.elder_a.id_number, s.elder_a.id_masked, s.elder_a.phone, s.building_a.address):
        assert secret not in content
    assert s.street.name in content


def test_the_page_reads_the_same_number_of_queries_whatever_the_number_of_demands(
    doors: Doors, resident: Callable[[str], Client]
) -> None:
    phone = resident("10.0.0.10")
    _ticket(doors, "household_a", "楼道灯坏了")
    with CaptureQueriesContext(connection) as few:
        assert phone.get(Doors.url(doors.token_a)).status_code == 200
    for n in range(10):
        _ticket(doors, "household_a", f"楼道灯坏了{n}")
    with CaptureQueriesContext(connection) as many:
        assert phone.get(Doors.url(doors.token_a)).status_code == 200
    assert len(queries_outside_cache(many)) == len(queries_outside_cache(few)) <= 4
