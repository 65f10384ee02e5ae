"""SECURITY.md line 11: at least 8 characters, no common password, Argon2, optional expiry."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from qiaomen.accounts.roles import Role
from qiaomen.accounts.services import user_password_expired
from qiaomen.accounts.services_users import user_create
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db


def _create(small_street: SmallStreet, password: str) -> None:
    user_create(by=small_street.users["street_admin"], username="new1", password=password, role=Role.GRID_WORKER)


def test_security_11_passwords_shorter_than_8_characters_are_refused(small_street: SmallStreet) -> None:
    with pytest.raises(ValidationError):
        _create(small_street, "Xq7#pLm")  # 7 characters, otherwise fine
    _create(small_street, "Xq7#pLm2")  # 8 are enough


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "iloveyou1"])
def test_security_11_common_passwords_are_refused(small_street: SmallStreet, password: str) -> None:
    with pytest.raises(ValidationError):
        _create(small_street, password)


def test_security_11_production_hashes_with_argon2() -> None:
    from qiaomen import settings as production_settings

    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        hashed = make_password("Knock-knock-2026")
        assert identify_hasher(hashed).algorithm == "argon2"
        assert hashed.startswith("argon2$argon2id$")
        assert check_password("Knock-knock-2026", hashed)


def test_security_11_expiry_is_a_setting_off_by_default(small_street: SmallStreet) -> None:
    user = small_street.users["worker_a"]
    user.password_changed_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)):
        assert not user_password_expired(user)  # 0 days: never
        with override_settings(PASSWORD_MAX_AGE_DAYS=90):
            assert user_password_expired(user)
    with time_machine.travel(dt.datetime(2026, 3, 31, tzinfo=dt.UTC)), override_settings(PASSWORD_MAX_AGE_DAYS=90):
        assert not user_password_expired(user)  # day 89
