"""The phone app's three files: the shell page (signed-in visit recorders only), its manifest
(public, names the app and nothing else) and its service worker (root path, never cached, lists
the shell it keeps)."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet


def test_manifest_makes_the_app_installable_and_says_nothing_personal(
    client: Client, small_street: SmallStreet
) -> None:
    response = client.get(reverse("mobile:manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["short_name"] == "敲门"
    assert manifest["start_url"] == manifest["scope"] == reverse("mobile:app")
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        assert served.status_code == 200, icon
        assert b"".join(served.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"  # type: ignore[attr-defined]
    assert "王秀英" not in response.content.decode() and "worker1" not in response.content.decode()


def test_service_worker_sits_at_the_root_uncached_and_lists_its_shell(
    client: Client, small_street: SmallStreet
) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    for asset in ("mobile/app.js", "mobile/vault.js", "mobile/queue.js", "mobile/app.css", "mobile/icon-192.png"):
        assert asset in body
    # The worker keeps the shell and nothing of the API: household data lives only in the vault.
    assert "/api/" not in body


def test_the_app_asks_a_stranger_to_sign_in(client: Client, small_street: SmallStreet) -> None:
    response = client.get(reverse("mobile:app"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_a_grid_worker_gets_the_shell_with_its_manifest_and_no_household_data(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    response = client_as("worker_a").get(reverse("mobile:app"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<link rel="manifest" href="{reverse("mobile:manifest")}">' in page
    assert 'data-package-url="/api/v1/phone/package"' in page
    assert "王秀英" not in page  # the cards come from the API into the encrypted store
    assert "<script>" not in page and " on" + "click=" not in page  # the CSP allows no inline script
    assert "走访清单" in page and "保存走访" in page


def test_roles_that_record_no_visits_are_refused(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    assert client_as("dept_handler").get(reverse("mobile:app")).status_code == 403
    assert client_as("supervisor").get(reverse("mobile:app")).status_code == 403


def test_the_app_speaks_english_on_request(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    page = client_as("worker_a").get(reverse("mobile:app"), headers={"Accept-Language": "en"}).content.decode()
    assert "Work list" in page and "Save the visit" in page and "走访清单" not in page
    assert _messages(page)["nothing_waiting"] == "Everything is sent"
    chinese = client_as("worker_a").get(reverse("mobile:app")).content.decode()
    assert _messages(chinese)["nothing_waiting"] == "已全部上传"


def _messages(page: str) -> dict[str, str]:
    """The labels the scripts write on the page (json_script)."""
    found: dict[str, str] = json.loads(
        page.split('id="phone-messages" type="application/json">')[1].split("</script>")[0]
    )
    return found
