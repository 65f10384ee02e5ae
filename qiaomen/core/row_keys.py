"""Migration steps that give existing rows of a model with encrypted fields their row key.

Three steps, as every data change here: add the column empty, fill each row with its own random
UUID, then make it unique and required (see core.models.SealedRow).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import migrations, models

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
