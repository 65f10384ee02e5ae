"""SECURITY line 6: no personal data in URLs, logs, error pages or cached responses;
`Cache-Control: no-store` on pages with personal data; search by ID number is a POST.

The QR tokens in the access log are proven in public/tests/test_access_log.py, the error pages in
tests/test_server_errors.py; here the registry's pages and API, walked as a grid worker.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet

Headers = Callable[[str], dict[str, str]]
PHONE = "13800001111"  # elder_a's
LINK = re.compile(r"""(?:href|action|src|hx-get|hx-post)="([^"]*)\"""")


def personal_pages(s: SmallStreet) -> list[str]:
    return [
        reverse("web:person_detail", args=[s.elder_a.pk]),
        reverse("web:household_detail", args=[s.household_a.pk]),
        reverse("web:registry_search"),
    ]


def personal_api(s: SmallStreet) -> list[str]:
    return [f"/api/v1/persons/{s.elder_a.pk}", f"/api/v1/households/{s.household_a.pk}", "/api/v1/households"]


def test_security_6_pages_and_api_answers_with_personal_data_are_never_cached(
    client_as: Callable[[str], Client], small_street: SmallStreet, bearer: Headers
) -> None:
    client = client_as("worker_a")
    for path in personal_pages(small_street):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "no-store", path
    for path in personal_api(small_street):
        response = Client().get(path, headers=bearer("worker_a"))
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "no-store", path


def test_security_6_search_by_id_number_is_a_post_and_a_get_finds_nothing(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    elder = small_street.elder_a
    person_link = reverse("web:person_detail", args=[elder.pk])

    posted = client.post(reverse("web:registry_search"), {"number": elder.id_number})
    in_url = client.get(reverse("web:registry_search"), {"number": elder.id_number, "q": elder.id_number})

    assert posted.status_code == 200 and person_link in posted.content.decode()
    assert person_link not in in_url.content.decode()
    assert elder.id_number not in posted.content.decode() + in_url.content.decode()


def test_security_6_no_link_or_form_on_a_personal_page_carries_an_id_number_or_phone(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    elder = small_street.elder_a
    pages = [client.get(path).content.decode() for path in personal_pages(small_street)]
    pages.append(client.post(reverse("web:registry_search"), {"number": elder.id_number}).content.decode())

    urls = [url for page in pages for url in LINK.findall(page)]

    assert urls  # the pages do link somewhere
    for url in urls:
        digits = re.sub(r"\D", "", url)
        assert elder.id_number[:-1] not in digits and PHONE not in digits, url


def test_security_6_reading_and_searching_people_logs_no_id_number_or_phone(
    client_as: Callable[[str], Client],
    small_street: SmallStreet,
    bearer: Headers,
    caplog: pytest.LogCaptureFixture,
) -> None:
    elder = small_street.elder_a
    loggers = [logging.getLogger(name) for name in ("django.request", "django.server")]
    for logger in loggers:  # they do not propagate to the root that caplog listens on
        logger.addHandler(caplog.handler)
    try:
        caplog.set_level(logging.DEBUG)
        client = client_as("worker_a")
        client.post(reverse("web:registry_search"), {"number": elder.id_number})
        client.post(reverse("web:registry_search"), {"number": PHONE})
        for path in personal_pages(small_street):
            client.get(path)
        for path in personal_api(small_street):
            Client().get(path, headers=bearer("worker_a"))
        # A refused and a malformed request are logged too, and still hold nothing personal.
        Client().get(f"/api/v1/persons/{small_street.resident_b.pk}", headers=bearer("worker_a"))
        client.get(reverse("web:registry_search"), {"grid": elder.id_number})
    finally:
        for logger in loggers:
            logger.removeHandler(caplog.handler)

    logged = "\n".join(caplog.handler.format(record) for record in caplog.records)
    assert elder.id_number not in logged and PHONE not in logged
