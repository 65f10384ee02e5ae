"""Offering to volunteer from the household's QR page: the code's household only, rate-limited,
no personal data shown."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from qiaomen.participation.models.volunteers import VolunteerApplication
from qiaomen.public.tests.conftest import Doors


def _url(token: str) -> str:
    return reverse("public:door_volunteer", args=[token])


def test_an_offer_becomes_an_application_of_the_codes_household(client: Client, doors: Doors) -> None:
    response = client.post(_url(doors.token_a), {"skills": "理发", "availability": "周末"})
    assert response.status_code == 302
    application = VolunteerApplication.objects.get()
    assert (application.household, application.skills, application.status) == (
        doors.street.household_a,
        "理发",
        "pending",
    )


def test_the_page_shows_no_name_and_no_address(client: Client, doors: Doors) -> None:
    page = client.get(_url(doors.token_a)).content.decode()
    s = doors.street
    assert "志愿者" in page
    for private in (s.elder_a.name, s.child_a.name, s.building_a.address, str(s.household_a)):
        assert private not in page
    assert not doors.shows_room_of_a(page)


def test_an_empty_offer_is_refused_and_changes_nothing(client: Client, doors: Doors) -> None:
    response = client.post(_url(doors.token_a), {"skills": "", "availability": ""})
    assert response.status_code == 422
    assert not VolunteerApplication.objects.exists()


def test_a_made_up_token_is_404(client: Client, doors: Doors) -> None:
    assert client.post(_url("no-such-token"), {"skills": "理发"}).status_code == 404
    assert not VolunteerApplication.objects.exists()


def test_offers_are_rate_limited_per_code(client: Client, doors: Doors, settings: Settings) -> None:
    settings.QR_SUBMITS_PER_CODE_PER_HOUR = 2
    settings.QR_SUBMITS_PER_IP_PER_HOUR = 100
    answers = [client.post(_url(doors.token_a), {"skills": f"技能{n}"}).status_code for n in range(3)]
    assert answers == [302, 302, 429]
    assert VolunteerApplication.objects.count() == 2
