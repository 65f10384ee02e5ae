"""SECURITY.md line 7: records of children under 14 and health notes need the sensitive-data
permission, and every access is logged: on the staff pages, in the API and in exports.

Without the permission a child's file answers 403 (the refusal logged), a household shows the
child only as a count, health tags and care notes are withheld. With it, each read that shows a
child or health data leaves exactly one audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from qiaomen.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from qiaomen.core.models import AuditEntry, AuditResult
from qiaomen.registry.models import ImportBatch, ImportStatus, Tag
from qiaomen.registry.tests.import_files import HEADER, address_of, csv_write, new_id_number, wrong_check_digit
from qiaomen.testing import SmallStreet, make_person, sign_in

Headers = Callable[[str], dict[str, str]]
SignIn = Callable[[str], Client]


@contextmanager
def new_audit_rows() -> Iterator[list[AuditEntry]]:
    """The audit rows written inside the block (all of them, whatever their action)."""
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rows: list[AuditEntry] = []
    yield rows
    rows.extend(AuditEntry.objects.filter(pk__gt=last).order_by("pk"))


@pytest.fixture
def health(small_street: SmallStreet) -> SmallStreet:
    """The elder also has a chronic illness (a health tag) besides her care notes."""
    small_street.elder_a.tags.add(Tag.objects.get(code="chronic"))
    return small_street


def test_security_7_who_holds_the_permission() -> None:
    holders = {role for role, capabilities in ROLE_CAPABILITIES.items() if Capability.VIEW_SENSITIVE in capabilities}
    assert holders == {Role.STREET_ADMIN, Role.COMMUNITY_STAFF, Role.GRID_WORKER}
    # Pages outside the registry list a household's people by name (door codes) or hand out
    # whole department rows (import rejects): every role that opens them holds the permission.
    for role, capabilities in ROLE_CAPABILITIES.items():
        if capabilities & {Capability.MANAGE_DOOR_CODES, Capability.IMPORT}:
            assert Capability.VIEW_SENSITIVE in capabilities, role


# --- staff pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["building_chief", "supervisor"])
def test_security_7_page_a_childs_file_is_403_without_the_permission(
    client_as: SignIn, small_street: SmallStreet, persona: str
) -> None:
    child = small_street.child_a
    with new_audit_rows() as rows:
        response = client_as(persona).get(reverse("web:person_detail", args=[child.pk]))
    assert response.status_code == 403
    assert child.name not in response.content.decode()
    [refused] = rows
    assert (refused.action, refused.result, refused.object_id) == ("person.view", AuditResult.DENIED, str(child.pk))


def test_security_7_page_a_childs_file_with_the_permission_leaves_one_audit_row(
    client_as: SignIn, small_street: SmallStreet
) -> None:
    child = small_street.child_a
    with new_audit_rows() as rows:
        response = client_as("worker_a").get(reverse("web:person_detail", args=[child.pk]))
    assert response.status_code == 200 and child.name in response.content.decode()
    [row] = rows
    assert (row.action, row.result, row.object_id) == ("person.view", AuditResult.OK, str(child.pk))
    assert row.detail == {"sensitive": True, "child": True}


def test_security_7_page_care_notes_and_health_tags_are_withheld_without_the_permission(
    client_as: SignIn, health: SmallStreet
) -> None:
    elder = health.elder_a
    with new_audit_rows() as rows:
        content = client_as("building_chief").get(reverse("web:person_detail", args=[elder.pk])).content.decode()
    assert elder.name in content
    assert "糖尿病" not in content and "慢病患者" not in content
    [row] = rows  # the view of the file itself (line 20), which shows nothing sensitive
    assert row.detail == {"sensitive": False, "child": False}

    with new_audit_rows() as rows:
        content = client_as("worker_a").get(reverse("web:person_detail", args=[elder.pk])).content.decode()
    assert "糖尿病" in content and "慢病患者" in content
    [row] = rows
    assert (row.action, row.detail) == ("person.view", {"sensitive": True, "child": False})


def test_security_7_page_household_and_search_show_children_and_health_only_with_the_permission(
    client_as: SignIn, health: SmallStreet
) -> None:
    household_url = reverse("web:household_detail", args=[health.household_a.pk])
    search_url = reverse("web:registry_search")
    chief = client_as("building_chief")
    with new_audit_rows() as rows:
        for url in (household_url, search_url):
            content = chief.get(url).content.decode()
            assert health.child_a.name not in content and "慢病患者" not in content
    assert rows == [], "nothing sensitive was shown, so nothing sensitive was read"

    worker = client_as("worker_a")
    for url in (household_url, search_url):
        with new_audit_rows() as rows:
            content = worker.get(url).content.decode()
        assert health.child_a.name in content and "慢病患者" in content
        [row] = rows
        assert row.action == "registry.sensitive_view"
        assert row.detail == {"children": [health.child_a.pk], "health": [health.elder_a.pk]}


def test_security_7_the_fourteenth_birthday_is_decided_on_the_exact_date(
    client_as: SignIn, small_street: SmallStreet
) -> None:
    """The birth year in clear is not enough (born in 2012, 14 in 2026): the exact date is read
    from the decrypted ID number, for the card and for the search by name."""
    day_before = dt.datetime(2026, 12, 6, 4, tzinfo=dt.UTC)  # noon in China
    with time_machine.travel(day_before, tick=False):
        teen = make_person(small_street.household_a, "王少年", birth=dt.date(2012, 12, 7), gender="M")
    assert teen.birth_year == 2012
    url = reverse("web:person_detail", args=[teen.pk])
    search = (reverse("web:registry_search"), {"q": "王少年"})
    found = f'href="{url}"'  # the search echoes the name typed: look for the link to the file
    with time_machine.travel(day_before, tick=False):
        chief = client_as("building_chief")
        assert chief.get(url).status_code == 403
        assert found not in chief.get(*search).content.decode()
    with time_machine.travel(day_before + dt.timedelta(days=1), tick=False):
        chief = client_as("building_chief")  # a new day, a new session (idle time-out)
        assert chief.get(url).status_code == 200
        assert found in chief.get(*search).content.decode()


@pytest.mark.parametrize(
    ("filed_on", "birth_year"),
    [(dt.date(2012, 5, 1), None), (dt.date(2026, 1, 10), 2012)],
    ids=["filed as a baby, no clear year", "filed at 13, year in clear"],
)
def test_security_7_search_finds_a_teenager_from_the_exact_fourteenth_birthday(
    client_as: SignIn, small_street: SmallStreet, filed_on: dt.date, birth_year: int | None
) -> None:
    with time_machine.travel(dt.datetime.combine(filed_on, dt.time(4), tzinfo=dt.UTC), tick=False):
        teen = make_person(small_street.household_a, "王少年", birth=dt.date(2012, 3, 1), gender="M")
    assert teen.birth_year == birth_year
    link = f'href="{reverse("web:person_detail", args=[teen.pk])}"'
    search = (reverse("web:registry_search"), {"q": "王少年"})
    for day, found in ((dt.date(2026, 2, 28), False), (dt.date(2026, 3, 1), True)):
        with time_machine.travel(dt.datetime.combine(day, dt.time(4), tzinfo=dt.UTC), tick=False):
            assert (link in client_as("building_chief").get(*search).content.decode()) is found, day


# --- API -------------------------------------------------------------------------------------


def test_security_7_api_a_childs_file_is_403_without_the_permission_and_logged(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    url = f"/api/v1/persons/{small_street.child_a.pk}"
    headers = bearer("supervisor")
    with new_audit_rows() as rows:
        response = client.get(url, headers=headers)
    assert response.status_code == 403 and response.json()["code"] == "sensitive_record"
    assert [(row.action, row.result) for row in rows] == [("person.view", AuditResult.DENIED)]

    headers = bearer("worker_a")
    with new_audit_rows() as rows:
        response = client.get(url, headers=headers)
    assert response.status_code == 200 and response.json()["name"] == small_street.child_a.name
    assert [(row.action, row.result) for row in rows] == [("person.view", AuditResult.OK)]


def test_security_7_api_care_notes_and_household_members(client: Client, health: SmallStreet, bearer: Headers) -> None:
    person_url = f"/api/v1/persons/{health.elder_a.pk}"
    household_url = f"/api/v1/households/{health.household_a.pk}"
    headers = bearer("building_chief")
    with new_audit_rows() as rows:
        person = client.get(person_url, headers=headers).json()
        household = client.get(household_url, headers=headers).json()
    assert person["care_notes"] is None and "chronic" not in {tag["code"] for tag in person["tags"]}
    assert household["hidden_children"] == 1 and health.child_a.name not in str(household)
    assert [row.action for row in rows] == ["person.view"]

    headers = bearer("worker_a")
    with new_audit_rows() as rows:
        person = client.get(person_url, headers=headers).json()
    assert person["care_notes"] == "糖尿病，低糖饮食"
    assert [row.action for row in rows] == ["person.view"]
    with new_audit_rows() as rows:
        household = client.get(household_url, headers=headers).json()
    assert household["hidden_children"] == 0 and health.child_a.name in str(household)
    [row] = rows
    assert (row.action, row.detail) == (
        "registry.sensitive_view",
        {"children": [health.child_a.pk], "health": [health.elder_a.pk]},
    )


# --- exports ---------------------------------------------------------------------------------


@pytest.fixture
def rejected_rows(small_street: SmallStreet, tmp_path: Path, settings) -> ImportBatch:  # type: ignore[no-untyped-def]
    """An import whose rejected rows (full ID numbers, remarks) wait for download."""
    settings.UPLOAD_DIR = tmp_path / "uploads"
    client = sign_in(Client(), small_street.users["street_admin"])
    address = address_of(small_street.household_a)
    rows = [
        HEADER,
        ["赵大海", new_id_number(), "", address, ""],
        ["钱小红", wrong_check_digit(new_id_number()), "", address, ""],
    ]
    path = csv_write(tmp_path / "a.csv", rows)
    with path.open("rb") as upload:
        client.post(reverse("web:import_upload"), {"file": upload, "source": "police"})
    batch = ImportBatch.objects.get()
    client.post(reverse("web:import_confirm", args=[batch.pk]), {"skip_invalid": "on"})
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and batch.rejects_file
    return batch


def test_security_7_export_rejected_rows_need_the_permission(
    client_as: SignIn, small_street: SmallStreet, rejected_rows: ImportBatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = reverse("web:import_rejects", args=[rejected_rows.pk])
    admin = ROLE_CAPABILITIES[Role.STREET_ADMIN]
    # The admin who imported the file, made in this test to lack the sensitive-data permission.
    monkeypatch.setitem(ROLE_CAPABILITIES, Role.STREET_ADMIN, admin - {Capability.VIEW_SENSITIVE})
    client = client_as("street_admin")
    with new_audit_rows() as rows:
        response = client.get(url)
    assert response.status_code == 403 and "attachment" not in response.get("Content-Disposition", "")
    assert [(row.action, row.result) for row in rows] == [("registry.import_rejects_download", AuditResult.DENIED)]

    monkeypatch.setitem(ROLE_CAPABILITIES, Role.STREET_ADMIN, admin)
    with new_audit_rows() as rows:
        response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert [(row.action, row.result) for row in rows] == [("registry.import_rejects_download", AuditResult.OK)]
