"""Nobody grants a role or a place above their own; disabling ends sessions at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from pytest_django.fixtures import Settings

from qiaomen.accounts.models import ApiToken
from qiaomen.accounts.roles import Role
from qiaomen.accounts.services import api_token_create, api_token_user
from qiaomen.accounts.services_users import user_create, user_disable
from qiaomen.core.errors import Forbidden
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db


def test_community_staff_may_create_a_grid_worker_in_their_community(small_street: SmallStreet) -> None:
    staff = small_street.users["community_staff"]
    worker = user_create(
        by=staff, username="worker9", password="Grid-worker-99", role=Role.GRID_WORKER, places=(small_street.grid_a,)
    )
    assert worker.places.get().grid == small_street.grid_a


def test_community_staff_may_not_grant_a_grid_of_another_community(small_street: SmallStreet) -> None:
    with pytest.raises(Forbidden) as error:
        user_create(
            by=small_street.users["community_staff"],
            username="w",
            password="Grid-worker-99",
            role=Role.GRID_WORKER,
            places=(small_street.grid_b,),
        )
    assert error.value.code == "place_above_own"


@pytest.mark.parametrize("role", [Role.STREET_ADMIN, Role.COMMUNITY_STAFF, Role.AUDITOR])
def test_community_staff_may_not_grant_a_role_at_or_above_their_own(small_street: SmallStreet, role: str) -> None:
    with pytest.raises(Forbidden) as error:
        user_create(by=small_street.users["community_staff"], username="w", password="Grid-worker-99", role=role)
    assert error.value.code == "role_above_own"


def test_a_grid_worker_may_grant_nothing(small_street: SmallStreet) -> None:
    with pytest.raises(Forbidden):
        user_create(
            by=small_street.users["worker_a"],
            username="v",
            password="Volunteer-2026",
            role=Role.BUILDING_CHIEF,
            places=(small_street.building_a,),
        )


@pytest.mark.parametrize("password", ["short1", "password123", "12345678901"])
def test_weak_passwords_are_refused(small_street: SmallStreet, password: str) -> None:
    with pytest.raises(ValidationError):
        user_create(by=small_street.users["street_admin"], username="w", password=password, role=Role.GRID_WORKER)


@pytest.mark.parametrize(
    "engine",
    # cached_db: the engine of several servers on Redis (settings); here on the database cache.
    ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"],
)
def test_security_10_disabling_a_user_ends_their_browser_session_and_tokens_at_once(
    small_street: SmallStreet, settings: Settings, engine: str
) -> None:
    settings.SESSION_ENGINE = engine
    worker = small_street.users["worker_a"]
    browser = Client()
    browser.force_login(worker)
    token, _ = api_token_create(user=worker, request=None)
    assert api_token_user(token) == worker
    user_disable(user=worker, by=small_street.users["street_admin"])
    assert api_token_user(token) is None
    assert ApiToken.objects.filter(user=worker, revoked_at__isnull=True).count() == 0
    assert "_auth_user_id" not in browser.session
