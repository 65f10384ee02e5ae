"""conflict_resolve: an admin keeps the current value or takes the other source's, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from qiaomen.core.errors import Conflict, Forbidden
from qiaomen.core.models import AuditEntry
from qiaomen.registry.importing.conflicts import conflict_resolve
from qiaomen.registry.models import ConflictStatus, FieldConflict, Person, RecordChange
from qiaomen.registry.tests.import_files import (
    HEADER,
    address_of,
    csv_write,
    import_file,
    new_id_number,
    phone_given_twice,
)
from qiaomen.testing import SmallStreet, make_household

pytestmark = pytest.mark.django_db


def _conflict_on_phone(small_street: SmallStreet, tmp_path: Path) -> FieldConflict:
    phone_given_twice(tmp_path, small_street.household_a, first="police", second="civil_affairs")
    return FieldConflict.objects.get()


def test_taking_the_other_sources_value_applies_it_with_history_and_provenance(
    small_street: SmallStreet, tmp_path: Path
):
    conflict = _conflict_on_phone(small_street, tmp_path)
    admin = small_street.users["street_admin"]

    conflict_resolve(conflict=conflict, user=admin, keep="incoming")

    person = Person.objects.get(pk=conflict.person_id)
    assert person.phone == "13700005678"
    assert person.provenance["phone"]["source"] == "civil_affairs"
    change = RecordChange.objects.get(object_id=person.pk, field="phone")
    assert (change.old_masked, change.new_masked, change.actor) == ("137****1234", "137****5678", admin)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.resolved_by) == (ConflictStatus.TOOK_INCOMING, admin)
    entry = AuditEntry.objects.get(action="registry.conflict_resolve")
    assert entry.detail == {"person_id": person.pk, "field": "phone", "keep": "incoming"}


def test_keeping_the_current_value_changes_nothing_but_the_conflict(small_street: SmallStreet, tmp_path: Path):
    conflict = _conflict_on_phone(small_street, tmp_path)

    conflict_resolve(conflict=conflict, user=small_street.users["street_admin"], keep="current")

    person = Person.objects.get(pk=conflict.person_id)
    assert person.phone == "13700001234"
    assert not RecordChange.objects.filter(object_id=person.pk, field="phone").exists()
    assert FieldConflict.objects.get().status == ConflictStatus.KEPT_CURRENT


def test_a_conflict_is_decided_once(small_street: SmallStreet, tmp_path: Path):
    conflict = _conflict_on_phone(small_street, tmp_path)
    conflict_resolve(conflict=conflict, user=small_street.users["street_admin"], keep="current")

    with pytest.raises(Conflict) as refused:
        conflict_resolve(conflict=conflict, user=small_street.users["community_staff"], keep="incoming")

    assert refused.value.code == "conflict_already_resolved"
    assert Person.objects.get(pk=conflict.person_id).phone == "13700001234"


def test_only_import_staff_decide(small_street: SmallStreet, tmp_path: Path):
    conflict = _conflict_on_phone(small_street, tmp_path)

    with pytest.raises(Forbidden):
        conflict_resolve(conflict=conflict, user=small_street.users["worker_a"], keep="incoming")

    assert FieldConflict.objects.get().status == ConflictStatus.OPEN


def test_taking_another_address_moves_the_person_and_updates_the_separated_flag(
    small_street: SmallStreet, tmp_path: Path
):
    number = new_id_number()
    home = address_of(small_street.household_a)
    elsewhere = make_household(small_street.building_a, "102")
    header = [*HEADER, "户籍地址"]
    import_file(csv_write(tmp_path / "p.csv", [header, ["赵大海", number, "", home, "", home]]), "police")
    import_file(
        csv_write(tmp_path / "c.csv", [header, ["赵大海", number, "", address_of(elsewhere), "", ""]]), "community"
    )
    conflict = FieldConflict.objects.get()
    assert (conflict.field, conflict.incoming_value) == ("household", address_of(elsewhere))

    conflict_resolve(conflict=conflict, user=small_street.users["street_admin"], keep="incoming")

    person = Person.objects.get(pk=conflict.person_id)
    assert person.household == elsewhere
    assert person.separated, "registered at 101, living at 102"
    assert set(RecordChange.objects.filter(object_id=person.pk).values_list("field", flat=True)) == {
        "household",
        "separated",
    }
