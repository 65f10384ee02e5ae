"""The user pages and the password change page (SECURITY lines 10, 14, 15 and 18)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiaomen.accounts.models import PlaceAssignment, User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.services import api_token_issue, api_token_user
from qiaomen.core.models import AuditEntry
from qiaomen.testing import PASSWORD, SmallStreet, make_user, sign_in
from qiaomen.web.audit import urls as audit_urls

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Lantern-festival-88"
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def _signed_in(username: str, password: str = PASSWORD) -> Client:
    """A browser signed in through the login page, as a person would (the lock-out needs the
    request that Client.login does not pass)."""
    browser = Client()
    answer = browser.post(reverse("web:login"), {"username": username, "password": password})
    assert answer.status_code == 302 and "_auth_user_id" in browser.session
    return browser


def test_security_10_disabling_from_the_page_ends_the_users_sessions_at_once(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    worker = small_street.users["worker_b"]
    browser = _signed_in(worker.username)
    token, _ = api_token_issue(username=worker.username, password=PASSWORD, request=RequestFactory().post("/"))
    assert browser.get(reverse("web:home")).status_code == 302  # to the work list, signed in
    answer = client_as("street_admin").post(reverse("web:user_disable", args=[worker.pk]))
    assert answer.status_code == 302
    assert browser.get(reverse("web:worklist"))["Location"].startswith(reverse("web:login"))
    assert api_token_user(token) is None
    worker.refresh_from_db()
    assert not worker.is_active
    assert AuditEntry.objects.filter(action="accounts.user_disable", object_id=str(worker.pk)).exists()


def test_security_10_a_disabled_account_is_enabled_again_by_its_keeper(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    worker = small_street.users["worker_b"]
    client = client_as("street_admin")
    client.post(reverse("web:user_disable", args=[worker.pk]))
    client.post(reverse("web:user_enable", args=[worker.pk]))
    worker.refresh_from_db()
    assert worker.is_active
    assert _signed_in(worker.username).get(reverse("web:worklist")).status_code == 200


def test_security_14_a_password_change_ends_the_other_sessions_and_keeps_this_one(small_street: SmallStreet) -> None:
    worker = small_street.users["worker_a"]
    here, elsewhere = _signed_in(worker.username), _signed_in(worker.username)
    token, _ = api_token_issue(username=worker.username, password=PASSWORD, request=RequestFactory().post("/"))
    old_key = here.session.session_key
    answer = here.post(
        reverse("web:password_change"),
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert answer.status_code == 302
    assert here.session.session_key != old_key
    assert here.get(reverse("web:worklist")).status_code == 200
    assert elsewhere.get(reverse("web:worklist"))["Location"].startswith(reverse("web:login"))
    assert api_token_user(token) is None
    worker.refresh_from_db()
    assert worker.check_password(NEW_PASSWORD) and worker.password_changed_at is not None
    assert AuditEntry.objects.filter(action="accounts.password_change", actor_id=worker.pk).exists()


def test_a_wrong_current_password_changes_nothing(small_street: SmallStreet) -> None:
    browser = _signed_in("worker1")
    answer = browser.post(
        reverse("web:password_change"),
        {"old_password": "not-it-at-all", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
        headers={"Accept-Language": "zh-hans"},
    )
    assert answer.status_code == 422 and "当前密码不正确" in answer.content.decode()
    assert User.objects.get(username="worker1").check_password(PASSWORD)


def test_a_new_account_gets_a_temporary_password_that_opens_only_the_password_page(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    answer = client_as("system_admin").post(
        reverse("web:user_new"),
        {
            "username": "newcomer",
            "display_name": "新同事",
            "staff_number": "XF-0100",
            "role": "",
            "places": [f"grid:{small_street.grid_b.pk}"],
        },
    )
    assert answer.status_code == 200
    temporary = re.search(r"<code>([^<]+)</code>", answer.content.decode())
    assert temporary is not None
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.role == "" and newcomer.must_change_password and newcomer.places.get().grid == small_street.grid_b
    browser = _signed_in("newcomer", temporary.group(1))
    assert browser.get(reverse("web:place_tree"))["Location"] == reverse("web:password_change")
    assert browser.get("/api/v1/households").status_code == 401  # nor does its session reach the API
    browser.post(
        reverse("web:password_change"),
        {"old_password": temporary.group(1), "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert browser.get(reverse("web:home")).status_code == 200  # no role yet: the "ask your admin" page


def test_a_password_reset_shows_the_temporary_password_once_and_ends_the_sessions(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    worker = small_street.users["worker_b"]
    browser = _signed_in(worker.username)
    answer = client_as("system_admin").post(reverse("web:user_password_reset", args=[worker.pk]))
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    temporary = re.search(r"<code>([^<]+)</code>", answer.content.decode())
    assert temporary is not None
    worker.refresh_from_db()
    assert worker.check_password(temporary.group(1))
    assert browser.get(reverse("web:worklist"))["Location"].startswith(reverse("web:login"))


def test_security_15_the_security_admin_gives_the_role_from_the_page(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    worker = small_street.users["worker_b"]
    client = client_as("security_admin")
    page = client.get(reverse("web:user_detail", args=[worker.pk])).content.decode()
    assert reverse("web:user_role", args=[worker.pk]) in page
    assert reverse("web:user_disable", args=[worker.pk]) not in page  # business accounts are the system admin's
    client.post(reverse("web:user_role", args=[worker.pk]), {"role": Role.COMMUNITY_STAFF})
    worker.refresh_from_db()
    assert worker.role == Role.COMMUNITY_STAFF


def test_security_15_the_system_admin_gets_nothing_of_the_audit_log(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("system_admin")
    audit_routes = [reverse(f"web:{pattern.name}") for pattern in audit_urls.urlpatterns]
    assert reverse("web:audit_log") in audit_routes
    for url in audit_routes:
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code in {403, 405}, url
    nav = client.get(reverse("web:user_list")).content.decode()
    assert reverse("web:audit_log") not in nav


def test_security_15_no_code_path_deletes_or_edits_audit_rows() -> None:
    """Besides the triggers (SECURITY 21): nothing in the application writes to an audit row
    after it is made, so no role, the system admin's included, has a way to."""
    root = Path(__file__).resolve().parents[2]
    writes = re.compile(r"AuditEntry\.objects[^\n]*\.(delete|update)\(|core_auditentry[^\n]*\b(DELETE|UPDATE)\b")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        # audit_anchors.py holds retention's trim: it deletes rows past their period only behind a
        # trim anchor written first, and the database trigger refuses any other delete (SECURITY 23).
        and path.name not in {"testing.py", "audit_triggers.py", "audit_anchors.py"}
        and writes.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_security_18_a_manager_reaches_no_account_outside_their_places(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    worker_b = small_street.users["worker_b"]
    client = client_as("community_staff")
    assert client.get(reverse("web:user_detail", args=[worker_b.pk])).status_code == 404
    assert client.post(reverse("web:user_disable", args=[worker_b.pk])).status_code == 404
    listed = client.get(reverse("web:user_list")).content.decode()
    assert "worker1" in listed and "worker2" not in listed


def test_security_18_the_create_form_offers_and_takes_no_role_or_place_above_ones_own(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("community_staff")
    form = client.get(reverse("web:user_new")).content.decode()
    assert f'value="{Role.GRID_WORKER}"' in form and f'value="{Role.STREET_ADMIN}"' not in form
    assert f'value="grid:{small_street.grid_b.pk}"' not in form
    for forged in (
        {"role": Role.STREET_ADMIN},
        {"role": Role.GRID_WORKER, "places": [f"grid:{small_street.grid_b.pk}"]},
    ):
        answer = client.post(reverse("web:user_new"), {"username": "forged", **forged})
        assert answer.status_code == 422
    assert not User.objects.filter(username="forged").exists()


def test_security_18_a_manager_with_no_place_lists_nobody(client: Client, small_street: SmallStreet) -> None:
    sign_in(client, make_user("placeless_admin", Role.STREET_ADMIN))
    answer = client.get(reverse("web:user_list"))
    assert answer.status_code == 200
    assert not any(name in answer.content.decode() for name in ("worker1", "worker2", "chief1", "community1"))


@pytest.mark.parametrize(
    "persona", ["worker_a", "building_chief", "dept_handler", "supervisor", "auditor", "unassigned"]
)
def test_roles_without_account_duties_get_403_on_the_user_pages(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str
) -> None:
    client = client_as(persona)
    assert client.get(reverse("web:user_list")).status_code == 403
    assert client.get(reverse("web:user_new")).status_code == 403
    assert client.get(reverse("web:password_change")).status_code == 200


@pytest.mark.parametrize(
    ("persona", "home"),
    [("system_admin", "web:user_list"), ("security_admin", "web:user_list"), ("auditor", "web:audit_log")],
)
def test_each_admin_duty_starts_on_its_own_page_and_sees_only_its_own_menu(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str, home: str
) -> None:
    client = client_as(persona)
    answer = client.get(reverse("web:home"))
    assert answer["Location"] == reverse(home)
    content = client.get(reverse(home)).content.decode()
    nav = content.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    assert (reverse("web:audit_log") in nav) == (persona == "auditor")
    assert (reverse("web:user_list") in nav) == (persona != "auditor")
    assert reverse("web:registry_search") not in nav


def test_the_user_pages_carry_no_inline_script(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    client = client_as("street_admin")
    worker = small_street.users["worker_b"]
    for url in (
        reverse("web:user_list"),
        reverse("web:user_new"),
        reverse("web:user_detail", args=[worker.pk]),
        reverse("web:password_change"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert INLINE.findall(response.content.decode()) == [], url


def test_the_list_filters_by_search_role_and_status(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("street_admin")
    found = client.get(reverse("web:user_list"), {"q": "worker2"}).content.decode()
    assert "worker2" in found and "worker1" not in found
    chiefs = client.get(reverse("web:user_list"), {"role": Role.BUILDING_CHIEF}).content.decode()
    assert "chief1" in chiefs and "worker1" not in chiefs
    client.post(reverse("web:user_disable", args=[small_street.users["worker_a"].pk]))
    disabled = client.get(reverse("web:user_list"), {"status": "disabled"}).content.decode()
    assert "worker1" in disabled and "worker2" not in disabled


def test_the_list_costs_the_same_queries_for_three_accounts_or_thirty(
    client_as: Callable[[str], Client], small_street: SmallStreet, django_assert_num_queries: Callable[..., Any]
) -> None:
    client = client_as("system_admin")
    client.get(reverse("web:user_list"))  # the first request of a session writes the session once
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("web:user_list")).status_code == 200
    # Without passwords: hashing 27 of them would cost the test its time, and the list reads none.
    extra = User.objects.bulk_create([User(username=f"extra{n}", role=Role.GRID_WORKER) for n in range(27)])
    PlaceAssignment.objects.bulk_create(
        [PlaceAssignment(user=user, building=small_street.building_a) for user in extra]
    )
    with django_assert_num_queries(len(few.captured_queries)):
        content = client.get(reverse("web:user_list")).content.decode()
    assert "extra26" in content
