"""A visit announces its photos (`photos_expected`) and is complete on the server only when they
have arrived; a photo sent twice (the phone lost the answer to its upload) is stored once. The
phone's own estimate of its position's error is kept beside the position."""

from __future__ import annotations

import pytest
from django.test import Client

from qiaomen.api.tests.test_visits import VISITS, Headers, jpeg, photos_url, post_visit, upload, visit_payload
from qiaomen.testing import SmallStreet
from qiaomen.visits.models import Visit, VisitPhoto
from qiaomen.web.tests.visit_helpers import visits_clock  # noqa: F401 (the fixture)

pytestmark = pytest.mark.usefixtures("visits_clock")


def test_a_visit_is_complete_when_the_photos_it_announced_have_arrived(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    headers = bearer("worker_a")
    payload = visit_payload(small_street.household_a.pk, photos_expected=2)
    body = post_visit(client, headers, payload).json()
    assert (body["photos_expected"], body["photos_received"], body["complete"]) == (2, 0, False)
    visit = Visit.objects.get(pk=body["id"])
    first = client.post(photos_url(visit), {"file": upload("a.jpg", jpeg())}, headers=headers)
    assert first.status_code == 201
    again = post_visit(client, headers, payload).json()  # the phone sends the visit once more
    assert (again["id"], again["photos_received"], again["complete"]) == (visit.pk, 1, False)
    # The same photo again is the one already stored: still one, still incomplete.
    repeat = client.post(photos_url(visit), {"file": upload("a.jpg", jpeg())}, headers=headers)
    assert repeat.status_code == 201 and repeat.json()["id"] == first.json()["id"]
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    other = jpeg(colour=(200, 40, 40))
    assert client.post(photos_url(visit), {"file": upload("b.jpg", other)}, headers=headers).status_code == 201
    listed = client.get(VISITS, {"household_id": small_street.household_a.pk}, headers=headers).json()["items"][0]
    assert (listed["photos_received"], listed["complete"]) == (2, True)


@pytest.mark.parametrize("announced", [-1, 7])
def test_a_visit_cannot_announce_more_photos_than_it_may_hold(
    client: Client, small_street: SmallStreet, bearer: Headers, announced: int
) -> None:
    response = post_visit(
        client, bearer("worker_a"), visit_payload(small_street.household_a.pk, photos_expected=announced)
    )
    assert response.status_code == 422
    assert not Visit.objects.exists()


def test_the_phones_position_accuracy_is_kept_with_its_position_only(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    building = small_street.building_a
    placed = visit_payload(small_street.household_a.pk, lat=building.lat, lng=building.lng, accuracy_m=35)
    assert post_visit(client, bearer("worker_a"), placed).json()["accuracy_m"] == 35
    unplaced = visit_payload(small_street.household_a.pk, accuracy_m=35)
    assert post_visit(client, bearer("worker_a"), unplaced).json()["accuracy_m"] is None
