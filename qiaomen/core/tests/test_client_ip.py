"""Behind the city's proxy the client's address comes from X-Forwarded-For, and only when the
request comes from one of our own proxies (QIAOMEN_TRUSTED_PROXIES)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from qiaomen.core.audit import client_ip

PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxy(settings: Settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY, "10.0.0.6"]


def _ip(remote: str, forwarded: str | None = None) -> str:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(request)


def test_with_no_proxy_configured_the_connecting_address_counts_whatever_the_header_says() -> None:
    assert _ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"


@pytest.mark.usefixtures("behind_proxy")
def test_from_our_proxy_the_address_it_appended_is_the_client() -> None:
    assert _ip(PROXY, "203.0.113.7") == "203.0.113.7"


@pytest.mark.usefixtures("behind_proxy")
def test_addresses_the_client_wrote_itself_are_not_believed() -> None:
    # A guesser sends "X-Forwarded-For: 1.2.3.4" to look like someone new each time; nginx appends
    # the real address on the right, which is the one that counts.
    assert _ip(PROXY, "1.2.3.4, 203.0.113.7") == "203.0.113.7"


@pytest.mark.usefixtures("behind_proxy")
def test_a_chain_of_our_own_proxies_is_walked_through() -> None:
    assert _ip(PROXY, "1.2.3.4, 203.0.113.7, 10.0.0.6") == "203.0.113.7"


@pytest.mark.usefixtures("behind_proxy")
def test_from_anyone_else_the_header_is_ignored() -> None:
    assert _ip("203.0.113.9", "1.2.3.4") == "203.0.113.9"


@pytest.mark.usefixtures("behind_proxy")
@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", "10.0.0.6"])
def test_a_missing_or_unusable_header_leaves_the_proxy_address(forwarded: str | None) -> None:
    assert _ip(PROXY, forwarded) == PROXY
