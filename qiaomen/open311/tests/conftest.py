"""Fixtures of the Open311 tests: a client key, household A's flat as a caller types it, and a
POST of a valid request."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qiaomen.open311.keys import open311_key_create
from qiaomen.open311.models import Open311Key
from qiaomen.open311.tests.open311_helpers import PostRequest
from qiaomen.testing import SmallStreet


@pytest.fixture
def open311_key(small_street: SmallStreet) -> tuple[str, Open311Key]:
    return open311_key_create(name="市民热线平台")


@pytest.fixture
def flat_address(small_street: SmallStreet) -> str:
    """Household A's flat as a caller would type it, street name first. The building's number
    comes from its grid's id, which PostgreSQL does not reset between tests."""
    return f"幸福街道{small_street.household_a.building.address}1单元101室"


@pytest.fixture
def post_request(client: Client, open311_key: tuple[str, Open311Key], flat_address: str) -> PostRequest:
    """POST requests.<fmt> with the key and a valid request, overridden by keyword."""

    def post(fmt: str = "json", **fields: str | None) -> Any:
        data = {
            "api_key": open311_key[0],
            "jurisdiction_id": "XF",
            "service_code": "LIF-MEAL",
            "address_string": flat_address,
            "description": "我家老人腿脚不便，想订中午的助餐",
            "first_name": "秀英",
            "last_name": "王",
            "phone": "13800001111",
            "email": "wang@example.cn",
            "account_id": "acct-7",
            "device_id": "dev-1",
            **fields,
        }
        return client.post(f"/open311/v2/requests.{fmt}", {k: v for k, v in data.items() if v is not None})

    return post
