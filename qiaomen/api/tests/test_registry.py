from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qiaomen.core.models import AuditEntry, AuditResult
from qiaomen.registry.models import Person, Tag
from qiaomen.testing import SmallStreet, make_household, make_person

Headers = Callable[[str], dict[str, str]]
HOUSEHOLDS = "/api/v1/households"


def household_url(pk: int) -> str:
    return f"{HOUSEHOLDS}/{pk}"


def person_url(pk: int) -> str:
    return f"/api/v1/persons/{pk}"


def listed_ids(client: Client, headers: dict[str, str], **params: int | str) -> list[int]:
    response = client.get(HOUSEHOLDS, params, headers=headers)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_a_grid_worker_lists_only_the_households_of_their_grid(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    response = client.get(HOUSEHOLDS, headers=bearer("worker_a"))

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "items": [
            {
                "id": s.household_a.pk,
                "address": f"{s.building_a.address}1单元101室",
                "community": {"id": s.community_1.pk, "name": "和平社区"},
                "grid": {"id": s.grid_a.pk, "name": "和平一网格"},
                "building": {"id": s.building_a.pk, "name": "1栋"},
                "status": "occupied",
                "member_count": 2,
                "special_group": True,
                "last_verified_at": None,
                "last_verified_source": None,
            }
        ],
    }


def test_the_street_admin_narrows_the_list_by_grid_building_and_tag(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    headers = bearer("street_admin")

    assert listed_ids(client, headers) == [s.household_a.pk, s.household_b.pk]
    assert listed_ids(client, headers, grid=s.grid_b.pk) == [s.household_b.pk]
    assert listed_ids(client, headers, building=s.building_a.pk) == [s.household_a.pk]
    assert listed_ids(client, headers, tag="elder_alone") == [s.household_a.pk]
    assert listed_ids(client, headers, tag="veteran") == []


@pytest.mark.parametrize("param", ["grid", "building"])
def test_a_filter_on_a_place_outside_the_callers_places_answers_404(
    client: Client, small_street: SmallStreet, bearer: Headers, param: str
) -> None:
    place = {"grid": small_street.grid_b, "building": small_street.building_b}[param]

    response = client.get(HOUSEHOLDS, {param: place.pk}, headers=bearer("worker_a"))

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到"}


def test_an_unknown_tag_answers_422(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    response = client.get(HOUSEHOLDS, {"tag": "no_such_tag"}, headers=bearer("worker_a"))

    assert response.status_code == 422
    assert response.json()["code"] == "unknown_tag"


def test_the_tags_to_filter_by_leave_out_sensitive_ones_without_the_permission(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    worker = client.get("/api/v1/tags", headers=bearer("worker_a")).json()
    chief = client.get("/api/v1/tags", headers=bearer("building_chief")).json()

    assert {"code": "chronic", "name": "慢病患者", "special_group": True} in worker
    assert "elder_alone" in {t["code"] for t in chief}
    assert not {"chronic", "disabled", "maternal"} & {t["code"] for t in chief}


def test_a_sensitive_tag_is_no_filter_for_a_building_chief(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    small_street.elder_a.tags.add(Tag.objects.get(code="chronic"))

    assert listed_ids(client, bearer("worker_a"), tag="chronic") == [small_street.household_a.pk]
    response = client.get(HOUSEHOLDS, {"tag": "chronic"}, headers=bearer("building_chief"))
    assert (response.status_code, response.json()["code"]) == (422, "unknown_tag")


def test_pages_cover_every_household_once_and_tell_the_total(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    for room in range(102, 109):
        make_household(small_street.building_a, str(room))
    headers = bearer("worker_a")

    pages = [client.get(HOUSEHOLDS, {"limit": 3, "offset": offset}, headers=headers).json() for offset in (0, 3, 6)]

    assert [page["count"] for page in pages] == [8, 8, 8]
    assert [len(page["items"]) for page in pages] == [3, 3, 2]
    ids = [item["id"] for page in pages for item in page["items"]]
    assert len(set(ids)) == 8


def test_the_default_page_holds_fifty(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    for room in range(1, 60):
        make_household(small_street.building_a, str(room), unit="2")

    body = client.get(HOUSEHOLDS, headers=bearer("worker_a")).json()

    assert (len(body["items"]), body["count"]) == (50, 60)


@pytest.mark.parametrize(
    "params",
    [{"limit": "abc"}, {"limit": 100000}, {"limit": 0}, {"offset": -1}, {"grid": "x"}, {"tag": "t" * 33}],
)
def test_bad_query_parameters_answer_422_in_chinese(
    client: Client, small_street: SmallStreet, bearer: Headers, params: dict
) -> None:
    response = client.get(HOUSEHOLDS, params, headers=bearer("worker_a"))

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert "请求参数有误".encode() in response.content
    assert [error["loc"] for error in body["errors"]] == [["query", next(iter(params))]]


def test_the_list_runs_the_same_few_queries_however_many_households(
    client: Client, small_street: SmallStreet, bearer: Headers, django_assert_max_num_queries: Callable
) -> None:
    headers = bearer("worker_a")
    with CaptureQueriesContext(connection) as small:
        client.get(HOUSEHOLDS, {"limit": 200}, headers=headers)
    for room in range(1, 41):
        household = make_household(small_street.building_a, str(room), unit="3")
        make_person(household, f"住户{room}", tags=("elder_80",))
        make_person(household, f"家属{room}", tags=("veteran", "chronic"))

    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get(HOUSEHOLDS, {"limit": 200}, headers=headers).json()

    assert body["count"] == 41
    assert len(small.captured_queries) <= 8


@pytest.mark.parametrize("persona", ["dept_handler", "auditor", "unassigned"])
def test_departments_auditors_and_users_without_places_see_nothing_of_the_registry(
    client: Client, small_street: SmallStreet, bearer: Headers, persona: str
) -> None:
    headers = bearer(persona)

    assert client.get(HOUSEHOLDS, headers=headers).json() == {"items": [], "count": 0}
    assert client.get(household_url(small_street.household_a.pk), headers=headers).status_code == 404
    assert client.get(person_url(small_street.elder_a.pk), headers=headers).status_code == 404


def test_the_household_card_lists_its_members_masked(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    response = client.get(household_url(s.household_a.pk), headers=bearer("worker_a"))

    assert response.status_code == 200
    body = response.json()
    assert (body["member_count"], body["hidden_children"], body["open_conflicts"]) == (2, 0, 0)
    elder, child = body["members"]
    assert elder == {
        "id": s.elder_a.pk,
        "name": "王秀英",
        "relationship": "head",
        "gender": "F",
        "age": elder["age"],
        "id_masked": s.elder_a.id_masked,
        "phone_masked": "138****1111",
        "status": "active",
        "resident_type": "registered",
        "separated": False,
        "tags": [{"code": "elder_alone", "name": "独居老人", "special_group": True}],
    }
    assert elder["age"] >= 75
    assert elder["id_masked"] == "110105" + "*" * 11 + s.elder_a.id_number[-1]
    assert (child["name"], child["relationship"], child["age"] < 14) == ("王小明", "grandchild", True)


def test_a_building_chief_sees_no_children_and_no_sensitive_tags(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    small_street.elder_a.tags.add(Tag.objects.get(code="chronic"))

    chief = client.get(household_url(small_street.household_a.pk), headers=bearer("building_chief")).json()
    worker = client.get(household_url(small_street.household_a.pk), headers=bearer("worker_a")).json()

    assert [m["name"] for m in chief["members"]] == ["王秀英"]
    assert (chief["member_count"], chief["hidden_children"]) == (2, 1)
    assert [t["code"] for t in chief["members"][0]["tags"]] == ["elder_alone"]
    assert [t["code"] for t in worker["members"][0]["tags"]] == ["elder_alone", "chronic"]


def test_no_full_id_number_or_phone_appears_in_any_answer(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    headers = bearer("street_admin")
    urls = [HOUSEHOLDS, household_url(small_street.household_a.pk), household_url(small_street.household_b.pk)]
    urls += [person_url(pk) for pk in Person.objects.values_list("pk", flat=True)]
    secrets = [value for p in Person.objects.all() for value in (p.id_number, p.phone) if value]

    for url in urls:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        for secret in secrets:
            assert secret.encode() not in response.content, url


def test_each_view_of_a_person_writes_one_audit_row(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    s = small_street
    headers = bearer("worker_a")
    before = AuditEntry.objects.filter(action="person.view").count()

    response = client.get(person_url(s.elder_a.pk), headers=headers)

    assert response.status_code == 200
    rows = AuditEntry.objects.filter(action="person.view")
    assert rows.count() == before + 1
    row = rows.latest("pk")
    assert (row.actor_id, row.object_id, row.result) == (s.users["worker_a"].pk, str(s.elder_a.pk), AuditResult.OK)
    body = response.json()
    assert body["household"] == {"id": s.household_a.pk, "address": f"{s.building_a.address}1单元101室"}
    assert body["care_notes"] == "糖尿病，低糖饮食"


def test_care_notes_need_the_sensitive_permission(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    body = client.get(person_url(small_street.elder_a.pk), headers=bearer("building_chief")).json()

    assert body["name"] == "王秀英"
    assert body["care_notes"] is None


def test_a_childs_file_needs_the_sensitive_permission_and_the_refusal_is_logged(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    response = client.get(person_url(small_street.child_a.pk), headers=bearer("building_chief"))

    assert response.status_code == 403
    assert response.json()["code"] == "sensitive_record"
    row = AuditEntry.objects.filter(action="person.view").latest("pk")
    assert (row.object_id, row.result) == (str(small_street.child_a.pk), AuditResult.DENIED)


def test_a_record_outside_the_callers_places_is_not_found_and_not_logged(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    headers = bearer("worker_a")
    before = AuditEntry.objects.filter(action="person.view").count()

    for url in (household_url(small_street.household_b.pk), person_url(small_street.resident_b.pk)):
        response = client.get(url, headers=headers)
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "未找到"}
    assert AuditEntry.objects.filter(action="person.view").count() == before


def test_an_id_beyond_any_integer_column_is_simply_not_found(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    assert client.get(household_url(2**70), headers=bearer("street_admin")).status_code == 404


def test_chinese_travels_as_utf8_not_as_escapes(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    response = client.get(household_url(small_street.household_a.pk), headers=bearer("worker_a"))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "和平社区".encode() in response.content
    assert "王秀英".encode() in response.content
    assert b"\\u" not in response.content


def test_security_4_the_api_answers_the_narrow_mask_and_never_the_number(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    """The API has no unmasking: a person's file and a household's members carry the mask only."""
    elder = small_street.elder_a
    number = elder.id_number
    headers = bearer("street_admin")  # even with the right to unmask on the pages
    answers = [
        client.get(f"/api/v1/persons/{elder.pk}", headers=headers),
        client.get(household_url(small_street.household_a.pk), headers=headers),
    ]
    for answer in answers:
        text = answer.content.decode()
        assert answer.status_code == 200
        assert number[:6] + "*" * 11 + number[-1] in text
        assert number not in text and number[6:14] not in text and number[:6] + "*" * 8 + number[-4:] not in text
