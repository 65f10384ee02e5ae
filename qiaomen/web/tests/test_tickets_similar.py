"""The ticket page's "similar open demands" and its merge button (issue 5, item 5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.accounts.roles import Role
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet, make_household, make_user
from qiaomen.tickets.models import Channel, Status, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create

SignIn = Callable[[str], Client]
LAMP = "3号楼2单元楼道灯坏了，晚上黑漆漆的"
LAMP_AGAIN = "我们2单元楼道里的灯不亮了，晚上上楼看不见"


def demand(household: Household, text: str) -> Ticket:
    """LIF-MEAL → 民政, so that the small street's 民政 handler sees it too."""
    meals = Subcategory.objects.get(code="LIF-MEAL")
    return ticket_create(channel=Channel.STAFF, description=text, subcategory=meals, household=household)


def detail(ticket: Ticket) -> str:
    return reverse("web:ticket_detail", args=[ticket.pk])


Pair = tuple[Ticket, Ticket]


@pytest.fixture
def pair(small_street: SmallStreet) -> Pair:
    """The same demand told twice in building A: the older first, the newer second."""
    first = demand(small_street.household_a, LAMP)
    return first, demand(make_household(small_street.building_a, "301"), LAMP_AGAIN)


def merge_url(ticket: Ticket) -> str:
    return reverse("web:ticket_merge", args=[ticket.pk])


def test_staff_see_the_similar_demand_with_its_likeness_and_a_merge_button(
    client_as: SignIn, small_street: SmallStreet, pair: Pair
) -> None:
    first, second = pair

    page = client_as("community_staff").get(detail(first)).content.decode()

    assert "相似的未办结诉求" in page
    assert f'href="{detail(second)}"' in page and "同一楼栋" in page
    assert "% 相似" in page or "%相似" in page
    # The newer ticket folds into the older one.
    assert f'action="{merge_url(second)}"' in page and f'name="into" value="{first.pk}"' in page


def test_a_grid_worker_sees_the_similar_demand_but_no_merge_button(
    client_as: SignIn, small_street: SmallStreet, pair: Pair
) -> None:
    first, second = pair

    page = client_as("worker_a").get(detail(first)).content.decode()

    assert f'href="{detail(second)}"' in page
    assert merge_url(second) not in page


def test_no_section_without_a_similar_demand(client_as: SignIn, small_street: SmallStreet) -> None:
    first = demand(small_street.household_a, LAMP)
    demand(make_household(small_street.building_a, "301"), "想申请助餐")

    assert "相似的未办结诉求" not in client_as("street_admin").get(detail(first)).content.decode()


def test_merging_from_the_page_goes_to_the_ticket_that_carries_on(
    client_as: SignIn, small_street: SmallStreet, pair: Pair
) -> None:
    first, second = pair
    client = client_as("community_staff")

    response = client.post(merge_url(second), {"into": first.pk, "reason": "同一盏灯"})

    assert response.status_code == 302 and response["Location"] == detail(first)
    merged = Ticket.objects.get(pk=second.pk)
    assert (merged.status, merged.merged_into_id) == (Status.MERGED, first.pk)
    page = client.get(detail(second)).content.decode()
    assert "已合并到" in page and f'href="{detail(first)}"' in page
    assert "相似的未办结诉求" not in page  # a merged ticket offers nothing more to merge
    assert "同一诉求的重复工单已并入" in client.get(detail(first)).content.decode()


def test_merging_twice_is_refused_with_a_conflict(client_as: SignIn, small_street: SmallStreet, pair: Pair) -> None:
    first, second = pair
    client = client_as("street_admin")
    client.post(merge_url(second), {"into": first.pk})

    again = client.post(merge_url(second), {"into": first.pk})

    assert again.status_code == 409
    assert Ticket.objects.get(pk=second.pk).events.filter(action="merge").count() == 1


def test_a_worker_of_grid_b_neither_sees_nor_merges_grid_a_tickets(
    client_as: SignIn, small_street: SmallStreet, pair: Pair
) -> None:
    first, second = pair
    client = client_as("worker_b")

    assert client.get(detail(first)).status_code == 404
    assert client.post(merge_url(second), {"into": first.pk}).status_code == 403
    assert Ticket.objects.get(pk=second.pk).status == Status.ROUTED


def test_staff_of_grid_b_get_404_for_grid_a_tickets(client_as: SignIn, small_street: SmallStreet, pair: Pair) -> None:
    first, second = pair
    client = Client()
    client.force_login(make_user("community2", Role.COMMUNITY_STAFF, places=(small_street.community_2,)))

    assert client.post(merge_url(second), {"into": first.pk}).status_code == 404
    own = demand(small_street.household_b, LAMP)
    assert client.post(merge_url(own), {"into": first.pk}).status_code == 404
    assert Ticket.objects.filter(status=Status.MERGED).count() == 0


def test_a_form_without_a_target_changes_nothing(client_as: SignIn, small_street: SmallStreet) -> None:
    second = demand(make_household(small_street.building_a, "301"), LAMP_AGAIN)

    response = client_as("street_admin").post(merge_url(second), {"into": "abc"})

    assert response.status_code == 422
    assert Ticket.objects.get(pk=second.pk).status == Status.ROUTED
