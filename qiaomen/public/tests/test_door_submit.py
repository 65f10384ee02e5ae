"""Submitting a demand on the QR page: a ticket of the code's household, POST-redirect-GET, one
ticket per form, limits per code and per IP, uploads checked, call-back phone checked, health
consent, escaping, and the status and rating of the household's demands."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from pytest_django.fixtures import Settings

from qiaomen.core.photos import MAX_PHOTO_BYTES
from qiaomen.public.tests.conftest import Doors
from qiaomen.public.tests.posts import demand
from qiaomen.testing import queries_outside_cache, rate_window_start
from qiaomen.tickets.doorcodes.residents import HEALTH_WITHHELD
from qiaomen.tickets.models import Channel, Status, Subcategory, Ticket, TicketPhoto
from qiaomen.tickets.services import MAX_DESCRIPTION, ticket_accept, ticket_create, ticket_resolve

MEALS = "我妈一个人住，中午总是吃不上热饭，能不能帮忙订个老年餐"
LIGHT = "楼道里的灯坏了一个星期了，晚上上楼看不见"


def _sent(phone: Client, token: str, data: dict[str, object]) -> int:
    """The status the QR page answers a form with."""
    return phone.post(Doors.url(token), data).status_code


def test_a_demand_becomes_a_qr_ticket_of_the_household_and_the_page_redirects(
    doors: Doors, resident: Callable[[str], Client]
) -> None:
    phone = resident("10.1.0.1")
    response = phone.post(Doors.url(doors.token_a), demand(MEALS, callback_phone="138-0000-1234"))
    assert response.status_code == 302 and response["Location"] == Doors.url(doors.token_a) + "?sent=1"
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.household, ticket.person, ticket.door_code) == (
        Channel.QR,
        doors.street.household_a,
        None,
        doors.code_a,
    )
    assert ticket.subcategory.code == "LIF-MEAL" and ticket.suggestion["code"] == "LIF-MEAL"
    assert ticket.callback_phone == "13800001234"
    page = phone.get(response["Location"]).content.decode()
    assert "已收到您的诉求" in page and "老年助餐" in page


def test_a_personal_code_files_the_demand_for_its_person(doors: Doors, resident: Callable[[str], Client]) -> None:
    resident("10.1.0.2").post(Doors.url(doors.elder_token), demand(LIGHT))
    ticket = Ticket.objects.get()
    assert (ticket.household, ticket.person, ticket.door_code) == (
        doors.street.household_a,
        doors.street.elder_a,
        doors.elder_code,
    )


def test_a_double_tap_creates_one_ticket(doors: Doors, resident: Callable[[str], Client]) -> None:
    phone = resident("10.1.0.3")
    data = demand(LIGHT)
    first = phone.post(Doors.url(doors.token_a), data)
    second = phone.post(Doors.url(doors.token_a), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Ticket.objects.count() == 1
    phone.post(Doors.url(doors.token_a), demand(LIGHT + "，三楼"))  # a new page load is a new demand
    assert Ticket.objects.count() == 2


def test_a_form_without_its_submission_id_is_refused(doors: Doors, resident: Callable[[str], Client]) -> None:
    response = resident("10.1.0.4").post(Doors.url(doors.token_a), {"text": LIGHT})
    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_submissions_are_limited_per_code(doors: Doors, resident: Callable[[str], Client], settings: Settings) -> None:
    settings.QR_SUBMITS_PER_IP_PER_HOUR = settings.QR_SUBMITS_PER_IP_PER_DAY = 1000
    per_hour = settings.QR_SUBMITS_PER_CODE_PER_HOUR
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        # Different phones (IPs), one sticker: the code's limit is what holds.
        statuses = [
            _sent(resident(f"10.2.0.{n}"), doors.token_a, demand(f"{LIGHT} 第{n}次")) for n in range(per_hour + 1)
        ]
        assert statuses == [302] * per_hour + [429]
        assert Ticket.objects.filter(door_code=doors.code_a).count() == per_hour
        # The neighbour's code is not affected.
        assert _sent(resident("10.2.1.1"), doors.token_b, demand(LIGHT)) == 302
        # Two hours later the hourly window has passed.
        clock.move_to(start + dt.timedelta(hours=2))
        assert _sent(resident("10.2.1.2"), doors.token_a, demand(LIGHT + "又坏了")) == 302


def test_the_daily_limit_per_code_holds_across_hours(
    doors: Doors, resident: Callable[[str], Client], settings: Settings
) -> None:
    settings.QR_SUBMITS_PER_IP_PER_HOUR = settings.QR_SUBMITS_PER_IP_PER_DAY = 1000
    settings.QR_SUBMITS_PER_CODE_PER_HOUR = 2
    settings.QR_SUBMITS_PER_CODE_PER_DAY = 5
    start = rate_window_start(str(doors.code_a.pk), 86400) + dt.timedelta(minutes=1)
    sent = 0
    with time_machine.travel(start, tick=False) as clock:
        for hour in range(4):
            clock.move_to(start + dt.timedelta(hours=2 * hour))
            for n in range(2):
                status = _sent(resident("10.3.0.1"), doors.token_a, demand(f"{LIGHT} {hour}-{n}"))
                sent += status == 302
    assert sent == 5
    assert Ticket.objects.count() == 5


def test_submissions_are_limited_per_ip(doors: Doors, resident: Callable[[str], Client], settings: Settings) -> None:
    settings.QR_SUBMITS_PER_IP_PER_HOUR = 3
    phone = resident("10.4.0.1")
    statuses = [
        _sent(phone, token, demand(f"{LIGHT} {n}"))
        for n, token in enumerate([doors.token_a, doors.token_b, doors.elder_token, doors.token_b])
    ]
    assert statuses == [302, 302, 302, 429]
    assert Ticket.objects.count() == 3
    assert _sent(resident("10.4.0.2"), doors.token_b, demand(LIGHT)) == 302


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    "header",
    [b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8, b"MZ\x90\x00\x03\x00\x00\x00PE\x00\x00"],
    ids=["elf", "windows-exe"],
)
def test_a_renamed_executable_is_refused_and_nothing_is_created(
    doors: Doors, resident: Callable[[str], Client], header: bytes, settings: Settings
) -> None:
    upload = SimpleUploadedFile("photo.jpg", header + secrets.token_bytes(4096), content_type="image/jpeg")
    response = resident("10.5.0.1").post(Doors.url(doors.token_a), {**demand(LIGHT), "photo": upload})
    assert response.status_code == 422
    assert "文件不是有效的照片" in response.content.decode()
    assert not Ticket.objects.exists() and not TicketPhoto.objects.exists()
    assert not any(Path(settings.UPLOAD_DIR).rglob("*.*"))


def test_an_oversized_upload_is_refused_and_nothing_is_created(
    doors: Doors, resident: Callable[[str], Client], settings: Settings
) -> None:
    big = _jpeg() + b"\x00" * (MAX_PHOTO_BYTES + 1)
    upload = SimpleUploadedFile("photo.jpg", big, content_type="image/jpeg")
    response = resident("10.5.0.2").post(Doors.url(doors.token_a), {**demand(LIGHT), "photo": upload})
    assert response.status_code == 422
    assert "照片太大了（最大 8 MB）" in response.content.decode()
    assert not Ticket.objects.exists()
    assert not any(Path(settings.UPLOAD_DIR).rglob("*.*"))


def test_a_real_photo_is_kept_with_the_demand(doors: Doors, resident: Callable[[str], Client]) -> None:
    upload = SimpleUploadedFile("楼道.jpg", _jpeg(), content_type="image/jpeg")
    assert resident("10.5.0.3").post(Doors.url(doors.token_a), {**demand(LIGHT), "photo": upload}).status_code == 302
    photo = TicketPhoto.objects.get()
    assert photo.ticket.door_code == doors.code_a and photo.content_type == "image/jpeg"


def test_security_27_a_wrong_call_back_number_is_refused_in_chinese(
    doors: Doors, resident: Callable[[str], Client]
) -> None:
    response = resident("10.5.0.4").post(Doors.url(doors.token_a), demand(LIGHT, callback_phone="12345"))
    assert response.status_code == 422
    assert "格式不正确" in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_empty_or_overlong_demand_is_refused(doors: Doors, resident: Callable[[str], Client]) -> None:
    phone = resident("10.5.0.5")
    assert phone.post(Doors.url(doors.token_a), demand("   ")).status_code == 422
    assert phone.post(Doors.url(doors.token_a), demand("灯" * (MAX_DESCRIPTION + 1))).status_code == 422
    assert not Ticket.objects.exists()


PSY = "最近心情很差，晚上睡不着，想找人聊聊"


def test_health_details_wait_for_consent_before_anything_is_stored(
    doors: Doors, resident: Callable[[str], Client]
) -> None:
    phone = resident("10.6.0.1")
    response = phone.post(Doors.url(doors.token_a), demand(PSY))
    assert response.status_code == 422
    content = response.content.decode()
    assert "可能涉及健康信息" in content
    assert 'name="health_asked" value="1"' in content  # the next submit is an answer
    assert not Ticket.objects.exists()
    data = demand(PSY, health_consent="on", health_asked="True")
    assert phone.post(Doors.url(doors.token_a), data).status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.description == PSY and ticket.health_consent and ticket.subcategory.code == "LIF-PSY"


def test_declining_consent_keeps_the_demand_without_the_health_details(
    doors: Doors, resident: Callable[[str], Client]
) -> None:
    upload = SimpleUploadedFile("x.jpg", _jpeg(), content_type="image/jpeg")
    data = {**demand(PSY, health_asked="True"), "photo": upload}
    assert resident("10.6.0.2").post(Doors.url(doors.token_a), data).status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.description == HEALTH_WITHHELD and not ticket.health_consent
    assert ticket.subcategory.code == "LIF-PSY"
    assert PSY not in str(ticket.suggestion)
    assert not TicketPhoto.objects.exists()


def test_an_emergency_is_never_held_back_for_consent(doors: Doors, resident: Callable[[str], Client]) -> None:
    text = "我爸在卫生间摔倒了起不来，快来人"
    assert resident("10.6.0.3").post(Doors.url(doors.token_a), demand(text)).status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.description == text and ticket.priority == "P1" and not ticket.health_consent


XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>']


def test_resident_text_comes_back_escaped(doors: Doors, resident: Callable[[str], Client]) -> None:
    phone = resident("10.7.0.1")
    phone.post(Doors.url(doors.token_a), demand(LIGHT + " ".join(XSS), health_consent="on"))
    content = phone.get(Doors.url(doors.token_a)).content.decode()
    assert "&lt;script&gt;alert(1)" in content
    for payload in XSS:
        assert payload not in content


def _resolved(doors: Doors, text: str) -> Ticket:
    s = doors.street
    ticket = ticket_create(
        channel=Channel.QR,
        description=text,
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=s.household_a,
    )
    handler = s.users["dept_handler"]
    ticket = ticket_accept(ticket=ticket, user=handler)
    ticket, _ = ticket_resolve(ticket=ticket, user=handler, note="已办理助餐")
    return ticket


def test_status_in_plain_words_with_the_deadline(doors: Doors, resident: Callable[[str], Client]) -> None:
    s = doors.street
    ticket = ticket_create(
        channel=Channel.QR,
        description=MEALS,
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=s.household_a,
    )
    phone = resident("10.8.0.1")
    assert "已转交办理部门" in phone.get(Doors.url(doors.token_a)).content.decode()
    ticket_accept(ticket=ticket, user=s.users["dept_handler"])
    content = phone.get(Doors.url(doors.token_a)).content.decode()
    assert "已受理" in content
    assert timezone.localtime(ticket.resolve_by).strftime("%Y-%m-%d") in content
    assert s.users["dept_handler"].username not in content


def test_a_merged_demand_shows_the_status_of_the_one_it_was_merged_into(
    doors: Doors, resident: Callable[[str], Client]
) -> None:
    s = doors.street
    into = _resolved(doors, "邻居家也要助餐")
    duplicate = ticket_create(
        channel=Channel.QR,
        description="我家老人也要助餐",
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=s.household_a,
    )
    Ticket.objects.filter(pk=duplicate.pk).update(status=Status.MERGED, merged_into=into)
    content = resident("10.8.0.2").get(Doors.url(doors.token_a)).content.decode()
    assert "已与相同的诉求合并办理" in content
    assert content.count("已办结") >= 2  # its own line shows the result of the ticket it joined


def test_merged_demands_cost_no_query_each(doors: Doors, resident: Callable[[str], Client]) -> None:
    into = _resolved(doors, "邻居家也要助餐")
    phone = resident("10.8.0.5")

    def merged(text: str) -> None:
        duplicate = ticket_create(
            channel=Channel.QR,
            description=text,
            subcategory=Subcategory.objects.get(code="LIF-MEAL"),
            household=doors.street.household_a,
        )
        Ticket.objects.filter(pk=duplicate.pk).update(status=Status.MERGED, merged_into=into)

    merged("我家老人也要助餐")
    with CaptureQueriesContext(connection) as few:
        assert phone.get(Doors.url(doors.token_a)).status_code == 200
    for n in range(5):
        merged(f"我家老人也要助餐{n}")
    with CaptureQueriesContext(connection) as many:
        assert phone.get(Doors.url(doors.token_a)).status_code == 200
    assert len(queries_outside_cache(many)) == len(queries_outside_cache(few))


def test_a_resolved_demand_is_rated_once_through_the_rating_flow(
    doors: Doors, resident: Callable[[str], Client]
) -> None:
    ticket = _resolved(doors, MEALS)
    phone = resident("10.8.0.3")
    assert "评价办理结果" in phone.get(Doors.url(doors.token_a)).content.decode()
    response = phone.post(Doors.url(doors.token_a), {"rate": ticket.pk})
    assert response.status_code == 302 and response["Location"].startswith("/r/")
    rating = phone.post(response["Location"], {"score": 5, "comment": ""})
    assert rating.status_code == 200
    ticket.refresh_from_db()
    assert ticket.rating == 5
    assert "评价办理结果" not in phone.get(Doors.url(doors.token_a)).content.decode()
    assert phone.post(Doors.url(doors.token_a), {"rate": ticket.pk}).status_code == 409


def test_a_code_cannot_rate_another_households_demand(doors: Doors, resident: Callable[[str], Client]) -> None:
    ticket = _resolved(doors, MEALS)  # household A's
    assert resident("10.8.0.4").post(Doors.url(doors.token_b), {"rate": ticket.pk}).status_code == 404


def test_english_on_request(doors: Doors) -> None:
    content = Client(REMOTE_ADDR="10.9.0.1").get(Doors.url(doors.token_a), headers={"Accept-Language": "en"})
    text = content.content.decode()
    assert "Tell us what you need" in text and "About your personal information" in text
