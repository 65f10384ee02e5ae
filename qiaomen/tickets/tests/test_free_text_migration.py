"""Existing rows are encrypted by the migration that makes their free text encrypted (hole 3),
and migrating back writes them in clear again.

The test migrates the database back before the change and forward again, so it is
transactional; whatever happens it leaves the database at the latest migrations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create

BEFORE: list[tuple[str, str | None]] = [("tickets", "0011_free_text_row_key_add")]
TEXT = "独居老人，心脏病，女儿在外地"


def _migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _stored(ticket_id: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT description, suggestion FROM tickets_ticket WHERE id = %s", [ticket_id])
        description, suggestion = cursor.fetchone()
    return str(description), str(suggestion)


@pytest.fixture
def latest(transactional_db: None) -> Iterator[None]:
    leaves = list(MigrationExecutor(connection).loader.graph.leaf_nodes())
    try:
        yield
    finally:
        _migrate(leaves)


def test_hole_3_existing_descriptions_are_encrypted_by_the_migration_and_back_in_clear_when_reversed(
    small_street: SmallStreet, latest: None
) -> None:
    ticket = ticket_create(
        channel=Channel.STAFF,
        description=TEXT,
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=small_street.household_a,
    )
    _migrate(BEFORE)
    description, suggestion = _stored(ticket.pk)
    assert description == TEXT and suggestion.startswith("{")
    _migrate([("tickets", "0013_free_text_row_key_constrain")])
    description, suggestion = _stored(ticket.pk)
    assert description.startswith("v2:") and suggestion.startswith("v2:") and TEXT not in description
    again = Ticket.objects.get(pk=ticket.pk)
    assert again.description == TEXT and again.suggestion == ticket.suggestion
