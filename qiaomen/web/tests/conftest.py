from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from qiaomen.testing import SmallStreet


@pytest.fixture
def client_as(client: Client, small_street: SmallStreet) -> Callable[[str], Client]:
    """A client signed in as one of small_street's personas ("worker_a", "auditor" …)."""

    def sign_in(persona: str) -> Client:
        client.force_login(small_street.users[persona])
        return client

    return sign_in
