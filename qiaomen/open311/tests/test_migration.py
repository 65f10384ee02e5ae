"""The Open311 tables moved from the api app to this one (api 0002, open311 0001): rows written
before the move are read after it through the new models, contact still decrypting, and the
tables, the index and the check constraint carry this app's names.

The test migrates the database back to before the move and forward again, so it is
transactional; whatever happens it leaves the database at the latest migrations, where every
other test expects it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from qiaomen.open311.models import Open311Key, Open311Request
from qiaomen.testing import MigrationTargets, SmallStreet, applied_models, latest_migrations, migrate_to, migrated_back
from qiaomen.tickets.models import Channel, Subcategory
from qiaomen.tickets.services import ticket_create

# Before the move: the api app's first migration, nothing of the open311 app.
BEFORE: MigrationTargets = [("api", "0001_initial"), ("open311", None)]


@pytest.fixture
def before_the_move(transactional_db: None) -> Iterator[MigrationExecutor]:
    with migrated_back(BEFORE) as executor:
        yield executor


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def test_rows_written_before_the_move_are_read_through_the_new_models(
    small_street: SmallStreet, before_the_move: MigrationExecutor
) -> None:
    assert {"api_open311key", "api_open311request"} <= _tables()
    assert not {"open311_open311key", "open311_open311request"} & _tables()
    # The ticket's table does not move: a ticket made now is the one the old request points at.
    ticket = ticket_create(
        channel=Channel.API,
        description="楼道灯坏了",
        subcategory=Subcategory.objects.get(code="LIF-FAC"),
        household=small_street.household_a,
    )
    old = applied_models(before_the_move)
    old_key_model = old.get_model("api", "Open311Key")
    old_request_model = old.get_model("api", "Open311Request")
    now = timezone.now()
    old_key = old_key_model.objects.create(name="市民热线平台", key_hash="a" * 64, created_at=now)
    old_request_model.objects.create(
        ticket_id=ticket.pk,
        key=old_key,
        created_at=now,
        lat=31.2,
        long=121.4,
        address_string="和平路1号",
        phone="13800001111",
        email="wang@example.cn",
    )

    migrate_to(latest_migrations())

    assert {"open311_open311key", "open311_open311request"} <= _tables()
    assert not {"api_open311key", "api_open311request"} & _tables()
    key = Open311Key.objects.get()
    assert (key.pk, key.name, key.key_hash) == (old_key.pk, "市民热线平台", "a" * 64)
    moved = Open311Request.objects.select_related("ticket").get()
    assert moved.key == key and moved.ticket == ticket
    assert (moved.lat, moved.long, moved.address_string) == (31.2, 121.4, "和平路1号")
    assert (moved.phone, moved.email) == ("13800001111", "wang@example.cn")  # the same purposes decrypt
    assert ticket.open311_request == moved  # the reverse accessor the staff page uses
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "open311_open311request")
    assert "open311_request_key_created" in constraints
    assert constraints["open311_request_key_created"]["columns"] == ["key_id", "created_at"]
    assert "api_open311_key_id_fdd817_idx" not in constraints
    # The foreign key follows the renamed table, and a new row gets the next id.
    references = {tuple(c["foreign_key"]) for c in constraints.values() if c["foreign_key"]}
    assert ("open311_open311key", "id") in references
    second = Open311Key.objects.create(name="另一个平台", key_hash="b" * 64, created_at=now)
    assert second.pk > key.pk


def test_the_lat_long_check_survives_the_move(db: None) -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "open311_open311request")
    assert constraints["open311_request_lat_long_together"]["check"]
