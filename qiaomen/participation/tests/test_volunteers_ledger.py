"""The points ledger (R-PAR-1): append-only, the balance its sum, never negative; a redemption
claims stock and points together; twenty at once for the last item give one winner."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Sum
from pytest_django.fixtures import Settings

from qiaomen.core.errors import Conflict, DomainError, InvalidInput
from qiaomen.participation.models.volunteer_points import CatalogueItem, EntryKind, PointsEntry
from qiaomen.participation.tests.volunteer_helpers import make_volunteers
from qiaomen.participation.volunteers.ledger import (
    catalogue_item_save,
    points_balance,
    points_correct,
    points_expire,
    points_redeem,
)
from qiaomen.places.models import Street
from qiaomen.testing import SmallStreet, at_once


def test_the_balance_is_the_sum_of_the_ledger_and_its_last_row(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    points_correct(volunteer=v.volunteer_b, points=7, note="补录", actor=s.users["street_admin"])
    points_redeem(volunteer=v.volunteer_b, item=v.item, actor=s.users["community_staff"])
    rows = PointsEntry.objects.filter(volunteer=v.volunteer_b).order_by("seq")
    assert [r.seq for r in rows] == [1, 2, 3]
    last = list(rows)[-1]
    assert points_balance(v.volunteer_b) == rows.aggregate(t=Sum("points"))["t"] == last.balance_after == 30 + 7 - 20


def test_a_redemption_beyond_the_balance_is_refused_and_keeps_the_stock(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    dear = catalogue_item_save(street=s.street, name="电饭煲", points=500, stock=1, actor=s.users["street_admin"])
    with pytest.raises(InvalidInput) as refused:
        points_redeem(volunteer=v.volunteer_b, item=dear, actor=s.users["community_staff"])
    assert refused.value.code == "points_insufficient"
    dear.refresh_from_db()
    assert dear.stock == 1
    assert points_balance(v.volunteer_b) == 30


def test_a_negative_correction_below_zero_is_refused(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    with pytest.raises(InvalidInput):
        points_correct(volunteer=v.volunteer_b, points=-31, note="误录", actor=s.users["street_admin"])
    entry = points_correct(volunteer=v.volunteer_b, points=-30, note="误录", actor=s.users["street_admin"])
    assert entry.balance_after == 0


def test_the_database_refuses_a_negative_balance_row(small_street: SmallStreet) -> None:
    v = make_volunteers(small_street)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(
            volunteer=v.volunteer_b,
            seq=2,
            kind=EntryKind.CORRECT,
            points=-40,
            balance_after=-10,
            at=v.service_b.recorded_at,
        )


def test_ledger_rows_are_never_edited_or_deleted(small_street: SmallStreet) -> None:
    v = make_volunteers(small_street)
    entry = PointsEntry.objects.get(volunteer=v.volunteer_b)
    with pytest.raises(DatabaseError), transaction.atomic():
        PointsEntry.objects.filter(pk=entry.pk).update(points=1000, balance_after=1000)
    with pytest.raises(DatabaseError), transaction.atomic():
        PointsEntry.objects.filter(pk=entry.pk).delete()
    assert PointsEntry.objects.get(pk=entry.pk).points == 30


def test_no_code_path_updates_or_deletes_ledger_rows() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    writes = re.compile(r"PointsEntry\.objects[^\n]*\.(delete|update|bulk_update|update_or_create)\(")
    offenders = [
        str(p.relative_to(root))
        for p in (root / "qiaomen").rglob("*.py")
        if "tests" not in p.parts and writes.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_unspent_points_expire_as_a_new_row_once(small_street: SmallStreet, settings: Settings) -> None:
    s = small_street
    settings.POINTS_EXPIRE_DAYS = 365
    v = make_volunteers(s)  # 30 points earned today
    points_redeem(volunteer=v.volunteer_b, item=v.item, actor=s.users["community_staff"])  # 20 spent
    later = v.service_b.decided_at + dt.timedelta(days=366)  # type: ignore[operator]
    with time_machine.travel(later, tick=False):
        assert points_expire() == 1
        assert points_expire() == 0
    expiry = PointsEntry.objects.get(kind=EntryKind.EXPIRE)
    assert (expiry.points, expiry.balance_after) == (-10, 0)
    assert PointsEntry.objects.filter(volunteer=v.volunteer_b).count() == 3


def test_points_within_their_period_do_not_expire(small_street: SmallStreet, settings: Settings) -> None:
    settings.POINTS_EXPIRE_DAYS = 365
    v = make_volunteers(small_street)
    with time_machine.travel(v.service_b.decided_at + dt.timedelta(days=364), tick=False):  # type: ignore[operator]
        assert points_expire() == 0


def _outcome(call: object) -> str:
    try:
        call()  # type: ignore[operator]
    except DomainError as exc:
        return exc.code
    return "ok"


@pytest.mark.django_db(transaction=True)
def test_twenty_redemptions_of_the_last_item_give_one_winner(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    points_correct(volunteer=v.volunteer_b, points=1000, note="测试", actor=s.users["street_admin"])
    last = catalogue_item_save(street=s.street, name="最后一件", points=10, stock=1, actor=s.users["street_admin"])
    outcomes = at_once(
        20,
        lambda i: _outcome(lambda: points_redeem(volunteer=v.volunteer_b, item=last, actor=s.users["community_staff"])),
    )
    assert sorted(outcomes) == ["ok"] + ["out_of_stock"] * 19
    assert CatalogueItem.objects.get(pk=last.pk).stock == 0
    assert PointsEntry.objects.filter(kind=EntryKind.REDEEM).count() == 1
    assert points_balance(v.volunteer_b) == 30 + 1000 - 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_never_take_the_balance_below_zero(small_street: SmallStreet) -> None:
    """Twenty different items at once (so no stock row serialises them), 30 points each, against
    a balance of 100: exactly three are taken and the balance ends at 10."""
    s = small_street
    v = make_volunteers(s)
    points_correct(volunteer=v.volunteer_b, points=70, note="测试", actor=s.users["street_admin"])
    items = [
        catalogue_item_save(street=s.street, name=f"物品{n}", points=30, stock=1, actor=s.users["street_admin"])
        for n in range(20)
    ]
    outcomes = at_once(
        20,
        lambda i: _outcome(
            lambda: points_redeem(volunteer=v.volunteer_b, item=items[i], actor=s.users["street_admin"])
        ),
    )
    assert sorted(outcomes) == ["ok"] * 3 + ["points_insufficient"] * 17, outcomes
    assert points_balance(v.volunteer_b) == 10
    assert sum(CatalogueItem.objects.filter(pk__in=[i.pk for i in items]).values_list("stock", flat=True)) == 17
    assert min(PointsEntry.objects.values_list("balance_after", flat=True)) >= 0
    assert connection.vendor in {"sqlite", "postgresql"}


def test_an_item_out_of_stock_is_a_clear_refusal(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    gone = catalogue_item_save(street=s.street, name="已兑完", points=1, stock=0, actor=s.users["street_admin"])
    with pytest.raises(Conflict) as refused:
        points_redeem(volunteer=v.volunteer_b, item=gone, actor=s.users["street_admin"])
    assert "已兑完" in str(refused.value.message)


def test_an_item_is_restocked_repriced_and_withdrawn_in_place(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    changed = catalogue_item_save(
        street=s.street,
        item=v.item,
        name="大米一袋",
        points=25,
        stock=12,
        active=False,
        stock_was=5,
        actor=s.users["street_admin"],
    )
    assert (changed.pk, changed.points, changed.stock, changed.active) == (v.item.pk, 25, 12, False)
    assert CatalogueItem.objects.count() == 1


def test_a_restock_over_a_redemption_made_meanwhile_is_refused(small_street: SmallStreet) -> None:
    """The editor saw 5 on the shelf; a volunteer took one before the save: writing 10 would
    count the rice bag handed out as still there."""
    s = small_street
    v = make_volunteers(s)
    points_redeem(volunteer=v.volunteer_b, item=v.item, actor=s.users["community_staff"])
    with pytest.raises(Conflict) as refused:
        catalogue_item_save(
            street=s.street,
            item=v.item,
            name="大米一袋",
            points=20,
            stock=10,
            stock_was=5,
            actor=s.users["street_admin"],
        )
    assert refused.value.code == "stock_changed"
    v.item.refresh_from_db()
    assert v.item.stock == 4


def test_an_item_is_changed_only_through_its_own_street(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    other = Street.objects.create(name="别的街道", code="BD", city="示例市示例区")
    with pytest.raises(InvalidInput) as refused:
        catalogue_item_save(street=other, item=v.item, name="x", points=1, stock=0, actor=s.users["street_admin"])
    assert refused.value.code == "item_other_street"
    v.item.refresh_from_db()
    assert (v.item.name, v.item.stock) == ("大米一袋", 5)
