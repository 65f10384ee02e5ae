"""Recording a visit on the phone (R-VIS-3, R-VIS-4): one visit per client UUID, demands become
tickets, a bad photo records nothing, and the household leaves the work list."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet, make_household
from qiaomen.tickets.models import Ticket
from qiaomen.visits.models import ContactMode, Demand, Outcome, VerificationRequest, Visit, VisitPhoto
from qiaomen.web.tests.test_layout import INLINE
from qiaomen.web.tests.visit_helpers import NOW, pause_visits, visits_clock  # noqa: F401

pytestmark = pytest.mark.usefixtures("visits_clock")
CHECKED_IN_AT = "2026-11-16T09:40:00+08:00"  # twenty minutes before NOW, as the phone writes it


@pytest.fixture(autouse=True)
def _uploads(tmp_path: Path) -> Any:
    with override_settings(UPLOAD_DIR=tmp_path):
        yield


def _form_page(client: Client, household: Household) -> tuple[int, str]:
    response = client.get(reverse("web:visit_new", args=[household.pk]))
    return response.status_code, response.content.decode()


def _client_uuid(content: str) -> str:
    return re.search(r'name="client_uuid" value="([0-9a-f-]{36})"', content).group(1)  # type: ignore[union-attr]


def _photo(kind: str = "PNG") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(out, format=kind)
    return SimpleUploadedFile(f"photo.{kind.lower()}", out.getvalue(), content_type=f"image/{kind.lower()}")


def _met(client_uuid: str, **extra: Any) -> dict[str, Any]:
    """What the phone sends for a visit that met the household and heard one demand."""
    data: dict[str, Any] = {
        "client_uuid": client_uuid,
        "visited_at": CHECKED_IN_AT,
        "lat": "",
        "lng": "",
        "outcome": Outcome.MET,
        "q_health": "一般",
        "q_safety": "安全",
        "q_living_alone": "true",
        "q_members_present": "2",
        "policies": ["elderly_allowance", "fraud_prevention"],
        "demands-TOTAL_FORMS": "3",
        "demands-INITIAL_FORMS": "0",
        "demands-MIN_NUM_FORMS": "0",
        "demands-MAX_NUM_FORMS": "20",
        "demands-0-text": "老人想申请老年助餐，每天送餐",
        "demands-0-subcategory": "",
        "demands-1-text": "",
        "demands-2-text": "",
        "notes": "老人精神不错",
    }
    data.update(extra)
    return data


def _send(client: Client, household: Household, data: dict[str, Any]) -> Any:
    return client.post(reverse("web:visit_new", args=[household.pk]), data)


def test_the_form_offers_outcomes_questions_policies_demands_and_photos(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    status, content = _form_page(client_as("worker_a"), small_street.household_a)
    assert status == 200
    assert _client_uuid(content)
    for text in ("见到住户", "无人在家", "拒绝入户", "已迁出", "登记信息不符"):
        assert text in content
    assert "身体状况" in content and "家中水电燃气是否安全" in content and "在家人数" in content
    assert "高龄津贴" in content and "防范电信诈骗" in content
    assert content.count("data-demand-row") == 3 and "老年助餐" in content
    assert 'accept="image/*"' in content and "multiple" in content
    assert 'enctype="multipart/form-data"' in content
    assert INLINE.findall(content) == []


def test_each_showing_of_the_form_carries_a_new_client_uuid(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    first = _client_uuid(_form_page(client, small_street.household_a)[1])
    assert first != _client_uuid(_form_page(client, small_street.household_a)[1])


def test_recording_a_visit_keeps_the_phone_time_and_makes_the_demand_a_ticket(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    key = _client_uuid(_form_page(client, small_street.household_a)[1])
    response = _send(client, small_street.household_a, _met(key))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:worklist')}?grid={small_street.grid_a.pk}&recorded={key}"
    visit = Visit.objects.get()
    assert str(visit.client_uuid) == key
    assert visit.visited_at == dt.datetime(2026, 11, 16, 1, 40, tzinfo=dt.UTC) and visit.received_at == NOW
    assert visit.answers == {"health": "一般", "safety": "安全", "living_alone": True, "members_present": 2}
    assert sorted(visit.policies.values_list("code", flat=True)) == ["elderly_allowance", "fraud_prevention"]
    assert visit.worker == small_street.users["worker_a"] and visit.notes == "老人精神不错"
    demand = Demand.objects.get()
    ticket = Ticket.objects.get(demand=demand)
    assert ticket.subcategory.code == "LIF-MEAL" and ticket.household == small_street.household_a
    message = client.get(response["Location"]).content.decode()
    assert f"已记录对 {small_street.household_a} 的走访。" in message
    assert "记录诉求 1 条，已生成工单 1 张。" in message


def test_the_category_the_worker_chose_wins_over_the_words(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    key = _client_uuid(_form_page(client, small_street.household_a)[1])
    _send(client, small_street.household_a, _met(key, **{"demands-0-subcategory": "LIF-ERR"}))
    assert Ticket.objects.get().subcategory.code == "LIF-ERR"


def test_sending_the_same_form_again_records_nothing_new(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    data = _met(_client_uuid(_form_page(client, small_street.household_a)[1]))
    _send(client, small_street.household_a, data)
    again = _send(client, small_street.household_a, data)
    assert again.status_code == 302
    assert Visit.objects.count() == 1 and Demand.objects.count() == 1 and Ticket.objects.count() == 1
    assert "这次走访此前已记录，未重复保存。" in client.get(again["Location"]).content.decode()


def test_photos_are_stored_with_the_visit(
    client_as: Callable[[str], Client], small_street: SmallStreet, tmp_path: Path
) -> None:
    client = client_as("worker_a")
    data = _met(_client_uuid(_form_page(client, small_street.household_a)[1]), photos=[_photo(), _photo("JPEG")])
    assert _send(client, small_street.household_a, data).status_code == 302
    assert VisitPhoto.objects.filter(visit=Visit.objects.get()).count() == 2
    assert len(list((tmp_path / "visit-photos").iterdir())) == 2


def test_a_bad_photo_records_nothing_at_all(
    client_as: Callable[[str], Client], small_street: SmallStreet, tmp_path: Path
) -> None:
    client = client_as("worker_a")
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    data = _met(_client_uuid(_form_page(client, small_street.household_a)[1]), photos=[_photo(), fake])
    response = _send(client, small_street.household_a, data)
    assert response.status_code == 422
    assert "文件不是有效的照片" in response.content.decode()
    assert (Visit.objects.count(), Demand.objects.count(), Ticket.objects.count(), VisitPhoto.objects.count()) == (
        0,
        0,
        0,
        0,
    )
    assert not list((tmp_path / "visit-photos").glob("*")), "no orphan file of the good photo"
    # The page comes back with what was typed and the same client UUID, ready to send again.
    assert "老人想申请老年助餐" in response.content.decode() and data["client_uuid"] in response.content.decode()


def test_a_refusal_needs_its_reason(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    client = client_as("worker_a")
    data = _met(_client_uuid(_form_page(client, small_street.household_a)[1]), outcome=Outcome.REFUSED)
    response = _send(client, small_street.household_a, data)
    assert response.status_code == 422 and "入户被拒时请填写原因" in response.content.decode()
    assert not Visit.objects.exists()
    data["refused_reason"] = "家中有病人，不便打扰"
    assert _send(client, small_street.household_a, data).status_code == 302
    assert Visit.objects.get().refused_reason == "家中有病人，不便打扰"


def test_a_required_question_left_open_is_shown_at_the_question(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    data = _met(_client_uuid(_form_page(client, small_street.household_a)[1]), q_health="")
    response = _send(client, small_street.household_a, data)
    content = response.content.decode()
    assert response.status_code == 422
    assert content.index("请回答“身体状况”") > content.index("身体状况")
    assert not Visit.objects.exists()


def test_nobody_at_home_needs_no_answers(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    client = client_as("worker_a")
    key = _client_uuid(_form_page(client, small_street.household_a)[1])
    data = _met(key, outcome=Outcome.NOT_HOME, q_health="", q_safety="", **{"demands-0-text": ""})
    assert _send(client, small_street.household_a, data).status_code == 302
    assert Visit.objects.get().outcome == Outcome.NOT_HOME


def test_a_check_in_far_from_the_building_is_flagged_in_the_message(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    data = _met(_client_uuid(_form_page(client, small_street.household_a)[1]), lat="31.203", lng="121.4")
    response = _send(client, small_street.household_a, data)
    visit = Visit.objects.get()
    assert visit.far_from_building and visit.distance_m == 334
    assert "签到位置距楼栋 334 米，已标记。" in client.get(response["Location"]).content.decode()


def test_without_javascript_the_server_time_is_the_visit_time(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    data = _met(_client_uuid(_form_page(client, small_street.household_a)[1]), visited_at="")
    _send(client, small_street.household_a, data)
    assert Visit.objects.get().visited_at == NOW


@pytest.mark.parametrize("visited_at", ["yesterday", "2026-11-16T09:40:00"])
def test_a_time_without_a_usable_offset_is_refused(
    client_as: Callable[[str], Client], small_street: SmallStreet, visited_at: str
) -> None:
    client = client_as("worker_a")
    data = _met(_client_uuid(_form_page(client, small_street.household_a)[1]), visited_at=visited_at)
    assert _send(client, small_street.household_a, data).status_code == 422
    assert not Visit.objects.exists()


def test_moved_out_goes_to_the_verification_queue(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    data = _met(_client_uuid(_form_page(client, small_street.household_a)[1]), outcome=Outcome.MOVED_OUT)
    response = _send(client, small_street.household_a, data)
    assert VerificationRequest.objects.filter(household=small_street.household_a).exists()
    assert "已提交社区核实。" in client.get(response["Location"]).content.decode()


def test_in_a_paused_area_the_visit_counts_as_a_phone_contact(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    pause_visits(small_street, small_street.community_1)
    client = client_as("worker_a")
    response = _send(
        client, small_street.household_a, _met(_client_uuid(_form_page(client, small_street.household_a)[1]))
    )
    assert Visit.objects.get().contact_mode == ContactMode.PHONE
    assert "本区域暂停入户走访，本次记为电话联系。" in client.get(response["Location"]).content.decode()


def test_a_met_household_leaves_the_work_list(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    ordinary = make_household(small_street.building_a, "102")
    client = client_as("worker_a")
    link = reverse("web:visit_new", args=[ordinary.pk])
    assert link in client.get(reverse("web:worklist")).content.decode()
    response = _send(client, ordinary, _met(_client_uuid(_form_page(client, ordinary)[1])))
    assert link not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("persona", "household", "expected"),
    [
        ("worker_a", "household_b", 404),
        ("worker_b", "household_a", 404),
        ("unassigned", "household_a", 404),
        ("community_staff", "household_b", 404),
        ("community_staff", "household_a", 200),
        ("street_admin", "household_a", 403),
        ("supervisor", "household_a", 403),
        ("building_chief", "household_a", 403),
        ("dept_handler", "household_a", 403),
        ("auditor", "household_a", 403),
    ],
)
def test_only_visitors_of_the_household_may_record(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str, household: str, expected: int
) -> None:
    client = client_as(persona)
    target = getattr(small_street, household)
    assert _form_page(client, target)[0] == expected
    assert _send(client, target, _met("6f1c2a9e-3b1d-4c55-9a51-0c3f4e5d6a7b")).status_code in (expected, 302)
    assert Visit.objects.filter(household=target).exists() == (expected == 200)


def _suggest(client: Client, **data: str) -> Any:
    return client.post(reverse("web:demand_suggest"), {"row": "demands-0", **data})


def test_the_category_is_suggested_from_the_words(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    response = _suggest(client, **{"demands-0-text": "楼下乱停车，车位不够", "demands-0-auto": "1"})
    assert response.status_code == 200
    assert '<option value="LIF-PARK" selected>停车难 · 建议</option>' in response.content.decode()
    chosen = _suggest(
        client, **{"demands-0-text": "楼下乱停车", "demands-0-subcategory": "MED-NEI", "demands-0-auto": "0"}
    )
    content = chosen.content.decode()
    assert '<option value="MED-NEI" selected>' in content and "停车难 · 建议" in content


@pytest.mark.parametrize(
    ("persona", "method", "row", "expected"),
    [
        ("dept_handler", "post", "demands-0", 403),
        ("worker_a", "get", "demands-0", 405),
        ("worker_a", "post", "notes", 404),
    ],
)
def test_the_suggestion_endpoint_is_for_visitors_by_post_only(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str, method: str, row: str, expected: int
) -> None:
    client = client_as(persona)
    response = getattr(client, method)(reverse("web:demand_suggest"), {"row": row})
    assert response.status_code == expected
