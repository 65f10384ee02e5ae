"""The street admin's page of wall screen links: a new link is shown once, the list never shows
a key again, and revoking ends the link."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from qiaomen.accounts.models import ScreenToken
from qiaomen.testing import SmallStreet

PAGE = reverse("web:screen_tokens")
REVOKE = reverse("web:screen_token_revoke")


def _create(client: Client, street: SmallStreet, **changes: object) -> tuple[int, str]:
    form = {"name": "指挥中心大屏", "street": street.street.pk, "days": 30} | changes
    response = client.post(PAGE, form)
    return response.status_code, response.content.decode()


def test_a_new_link_is_shown_once_and_opens_the_screen(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    admin = client_as("street_admin")
    status, content = _create(admin, small_street)
    assert status == 201
    found = re.search(r'<code class="screen-link">(http://testserver(/command/screen/k/[^/]+/))</code>', content)
    assert found is not None
    link = found.group(2)
    assert Client().get(link).status_code == 200
    listing = admin.get(PAGE).content.decode()
    assert "指挥中心大屏" in listing and link not in listing
    token = ScreenToken.objects.get()
    assert token.key_hash not in listing


def test_revoking_a_link_ends_it(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    admin = client_as("street_admin")
    _, content = _create(admin, small_street)
    found = re.search(r'<code class="screen-link">http://testserver(/command/screen/k/[^/]+/)</code>', content)
    assert found is not None
    token = ScreenToken.objects.get()
    response = admin.post(REVOKE, {"token": token.pk}, follow=True)
    assert "已撤销" in response.content.decode()
    assert Client().get(found.group(1)).status_code == 404


def test_a_bad_form_creates_nothing_and_says_why(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    status, content = _create(client_as("street_admin"), small_street, name="", days=0)
    assert status == 422 and "field-error" in content
    assert not ScreenToken.objects.exists()


def test_only_street_admins_open_the_page(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    for persona in ("community_staff", "supervisor", "worker_a", "system_admin", "security_admin"):
        client = client_as(persona)
        assert client.get(PAGE).status_code == 403, persona
        assert client.post(REVOKE, {"token": 1}).status_code == 403, persona
        client.logout()


def test_a_revoke_without_a_link_is_refused(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    admin = client_as("street_admin")
    assert admin.post(REVOKE, {"token": "x"}).status_code == 422
    assert admin.post(REVOKE, {"token": 987654}).status_code == 404
    assert admin.get(REVOKE).status_code == 405
