from __future__ import annotations

from collections.abc import Callable

import pytest

from qiaomen.accounts.services import api_token_issue
from qiaomen.testing import PASSWORD, SmallStreet


@pytest.fixture
def bearer(small_street: SmallStreet) -> Callable[[str], dict[str, str]]:
    """Request headers carrying a fresh Bearer token of a persona, e.g. bearer("worker_a")."""

    def headers(persona: str) -> dict[str, str]:
        token, _ = api_token_issue(username=small_street.users[persona].username, password=PASSWORD, request=None)
        return {"Authorization": f"Bearer {token}"}

    return headers
