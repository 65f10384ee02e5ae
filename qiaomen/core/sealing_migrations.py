"""Migration steps for encrypted fields (core.fields) and their row keys (core.models.SealedRow).

Row keys come in three steps, as every data change here: add the column empty, fill each row
with its own random UUID, then make it unique and required. A clear text column becomes an
encrypted one in place, in one migration: the AlterField (no schema change for a text column),
then `values_encrypt` seals every existing value to its row. A migration is one transaction, so
no reader ever sees the column half encrypted, and the values keep their column name, which is
part of what they are bound to (a new column renamed afterwards would not be).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import migrations, models

from qiaomen.core.fields import ROW_KEY, EncryptedTextField, bulk_update_sealed

BATCH = 2000


def row_key_add(model_name: str) -> migrations.AddField:
    return migrations.AddField(model_name, "row_key", models.UUIDField(null=True, editable=False))


def row_key_fill(*labels: str) -> migrations.RunPython:
    """Fill the row keys of these models ("app.Model"), a batch of rows per statement."""

    def fill(apps: Any, schema_editor: Any) -> None:
        for label in labels:
            model = apps.get_model(label)
            while pks := list(model.objects.filter(row_key__isnull=True).values_list("pk", flat=True)[:BATCH]):
                rows = [model(pk=pk, row_key=uuid.uuid4()) for pk in pks]
                model.objects.bulk_update(rows, ["row_key"])

    noop: Callable[..., None] = migrations.RunPython.noop
    return migrations.RunPython(fill, noop)


def row_key_constrain(model_name: str) -> migrations.AlterField:
    return migrations.AlterField(
        model_name, "row_key", models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    )


def values_encrypt(label: str, *names: str) -> migrations.RunPython:
    """Seal the clear values of these columns of "app.Model" (just altered to encrypted fields);
    backwards, write them back in clear."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(label)
        fields = [model._meta.get_field(name) for name in names]
        for batch in _batches(model, names):
            rows = []
            for pk, row_key, *stored in batch:
                row = model(pk=pk, row_key=row_key)
                for field, clear in zip(fields, stored, strict=True):
                    # Read through the encrypted field, the clear text arrives as if it were sealed.
                    setattr(row, field.attname, clear if clear in (None, "") else field._from_text(str(clear)))
                rows.append(row)
            bulk_update_sealed(rows, names)

    def backwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(label)
        fields: list[EncryptedTextField] = [model._meta.get_field(name) for name in names]
        quote = schema_editor.connection.ops.quote_name
        sets = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608
        with schema_editor.connection.cursor() as cursor:
            for batch in _batches(model, names):
                cursor.executemany(
                    sql,
                    [
                        [*(_clear_text(field, token, row_key) for field, token in zip(fields, stored, strict=True)), pk]
                        for pk, row_key, *stored in batch
                    ],
                )

    return migrations.RunPython(forwards, backwards)


def _batches(model: Any, names: tuple[str, ...]) -> Any:
    last = 0
    while batch := list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", ROW_KEY, *names)[:BATCH]):
        last = batch[-1][0]
        yield batch


def _clear_text(field: EncryptedTextField, token: str | None, row_key: Any) -> str | None:
    value = field.open(token, row_key=row_key)
    return value if value is None or isinstance(value, str) else field._to_text(value)
