"""Intake: a resident's words become a ticket, routed when the classifier is sure, held for a
person when it is not, and an emergency alerts the people nearest at once."""

from __future__ import annotations

import pytest
from django.test import override_settings

from qiaomen.core.errors import Conflict, Forbidden
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, ClassificationCorrection, Notification, Status, Subcategory
from qiaomen.tickets.services import MAX_DESCRIPTION
from qiaomen.tickets.services.intake import ticket_classify, ticket_from_text

pytestmark = pytest.mark.django_db

CLEAR_SCHOOL = "孩子明年要上小学了 我们户口不在这边 能不能在这里报名入学"
EMERGENCY = "我爸在卫生间摔倒了 爬不起来 叫他也不太应"


def test_a_confident_text_is_routed_to_the_suggested_department(small_street: SmallStreet) -> None:
    ticket = ticket_from_text(channel=Channel.QR, description=CLEAR_SCHOOL, household=small_street.household_a)
    assert ticket.suggestion["code"] == "POL-EDU"
    assert ticket.suggestion["confidence"] >= 0.5
    assert (ticket.status, ticket.subcategory.code, ticket.department.code) == (Status.ROUTED, "POL-EDU", "jiaoyu")
    assert ticket.grid == small_street.grid_a
    assert ticket.accept_by is not None


@override_settings(CLASSIFIER_MIN_CONFIDENCE=1.01)
def test_a_doubtful_text_stays_new_without_deadlines_and_only_the_community_is_told(
    small_street: SmallStreet,
) -> None:
    ticket = ticket_from_text(channel=Channel.QR, description=CLEAR_SCHOOL, household=small_street.household_a)
    assert ticket.status == Status.NEW
    assert (ticket.subcategory.code, ticket.department.code) == ("POL-EDU", "jiaoyu")
    assert (ticket.routed_at, ticket.accept_by, ticket.escalate_after) == (None, None, None)
    told = set(Notification.objects.filter(ticket=ticket).values_list("user__username", flat=True))
    assert told == {small_street.users["community_staff"].username}


@override_settings(CLASSIFIER_MIN_CONFIDENCE=1.01)
def test_an_emergency_is_p1_routed_at_once_and_the_grid_worker_is_alerted(small_street: SmallStreet) -> None:
    ticket = ticket_from_text(channel=Channel.QR, description=EMERGENCY, household=small_street.household_a)
    assert ticket.suggestion["emergency"]
    assert (ticket.status, ticket.priority, ticket.subcategory.code) == (Status.ROUTED, "P1", "EMG-HEALTH")
    alerted = set(Notification.objects.filter(ticket=ticket).values_list("user__username", flat=True))
    assert small_street.users["worker_a"].username in alerted
    assert small_street.users["worker_b"].username not in alerted


def test_a_caller_who_knows_the_subcategory_keeps_it_but_an_emergency_still_forces_p1(
    small_street: SmallStreet, meals: Subcategory
) -> None:
    ticket = ticket_from_text(
        channel=Channel.API, description="家里闻到好大一股煤气味", subcategory=meals, grid=small_street.grid_b
    )
    assert (ticket.subcategory.code, ticket.priority, ticket.status) == ("LIF-MEAL", "P1", Status.ROUTED)
    assert ticket.suggestion["code"] == "EMG-SAFE"


@override_settings(CLASSIFIER_MIN_CONFIDENCE=1.01)
def test_community_staff_route_a_held_ticket_and_the_correction_is_kept(
    small_street: SmallStreet, meals: Subcategory
) -> None:
    ticket = ticket_from_text(channel=Channel.QR, description=CLEAR_SCHOOL, household=small_street.household_a)
    staff = small_street.users["community_staff"]
    ticket = ticket_classify(ticket=ticket, user=staff, subcategory=meals, priority="P2")
    assert (ticket.status, ticket.subcategory.code, ticket.department.code) == (Status.ROUTED, "LIF-MEAL", "minzheng")
    assert ticket.accept_by is not None
    correction = ClassificationCorrection.objects.get(ticket=ticket)
    assert (correction.suggested_code, correction.subcategory.code, correction.priority, correction.corrected_by) == (
        "POL-EDU",
        "LIF-MEAL",
        "P2",
        staff,
    )
    assert correction.text == CLEAR_SCHOOL and correction.trained_in == ""
    assert Notification.objects.filter(ticket=ticket, user=small_street.users["dept_handler"]).exists()


def test_a_grid_worker_or_staff_of_another_place_cannot_classify(small_street: SmallStreet, meals: Subcategory) -> None:
    ticket = ticket_from_text(channel=Channel.QR, description=CLEAR_SCHOOL, household=small_street.household_a)
    for username in ("worker_a", "dept_handler"):
        with pytest.raises(Forbidden):
            ticket_classify(ticket=ticket, user=small_street.users[username], subcategory=meals, priority="P2")
    assert not ClassificationCorrection.objects.exists()


def test_a_routed_ticket_is_corrected_until_a_handler_accepts_it(small_street: SmallStreet, meals: Subcategory) -> None:
    from qiaomen.tickets.services import ticket_accept

    ticket = ticket_from_text(channel=Channel.QR, description=CLEAR_SCHOOL, household=small_street.household_a)
    staff = small_street.users["community_staff"]
    ticket = ticket_classify(ticket=ticket, user=staff, subcategory=meals, priority="P3")
    assert (ticket.status, ticket.department.code, ticket.priority) == (Status.ROUTED, "minzheng", "P3")
    assert ticket.events.filter(action="classify").exists()
    ticket = ticket_accept(ticket=ticket, user=small_street.users["dept_handler"])
    with pytest.raises(Conflict):
        ticket_classify(ticket=ticket, user=staff, subcategory=meals, priority="P2")
    assert ClassificationCorrection.objects.count() == 1


def test_urgent_words_raise_a_chosen_subcategorys_default_to_p2(small_street: SmallStreet, school: Subcategory) -> None:
    urgent = ticket_from_text(channel=Channel.API, description="孩子转学的事 今天必须办", subcategory=school)
    calm = ticket_from_text(channel=Channel.API, description="孩子转学的事想咨询一下", subcategory=school)
    chosen = ticket_from_text(
        channel=Channel.STAFF, description="孩子转学的事 今天必须办", subcategory=school, priority="P3"
    )
    assert (urgent.priority, calm.priority, chosen.priority) == ("P2", "P3", "P3")


def test_an_oversized_or_empty_text_is_refused_before_anything_is_stored(small_street: SmallStreet) -> None:
    from qiaomen.core.errors import InvalidInput
    from qiaomen.tickets.models import Ticket

    for text, code in (("   ", "description_required"), ("楼" * (MAX_DESCRIPTION + 1), "description_too_long")):
        with pytest.raises(InvalidInput) as error:
            ticket_from_text(channel=Channel.QR, description=text, household=small_street.household_a)
        assert error.value.code == code
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("text", ["你好", "谢谢你们", "下次来的时候再细说"])
def test_a_greeting_raises_no_alarm_and_waits_for_a_person(small_street: SmallStreet, text: str) -> None:
    # Without a lexicon word the model leans to the emergency codes on thanks and greetings
    # (emergency lines often end with them): nobody is sent running, a person reads it first.
    ticket = ticket_from_text(channel=Channel.QR, description=text, household=small_street.household_a)
    assert ticket.suggestion["emergency"] == []
    assert ticket.status == Status.NEW
    assert not Notification.objects.filter(ticket=ticket).exclude(user=small_street.users["community_staff"]).exists()
