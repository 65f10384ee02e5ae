"""Rewriting stored ciphertexts under the current key and the row binding (`manage.py reencrypt`).

Needed once after the move from v1 (bound to the column) to v2 (bound to the row), and after
each key rotation (a new current key at the front of QIAOMEN_DATA_KEY). A value is stale when it
does not start with the current prefix (``v2:<current kid>:``); only stale rows are read, in
primary-key order, a batch per transaction. So the command is idempotent (a second run finds
nothing stale) and resumable (after an interruption the rows done are no longer stale).
A value that fails to decrypt is left as it is, counted and named by row, never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q

from qiaomen.core import crypto
from qiaomen.core.audit import audit_record
from qiaomen.core.fields import ROW_KEY, EncryptedTextField, bulk_update_sealed

BATCH_SIZE = 500


@dataclass
class ModelCount:
    label: str
    stale_rows: int = 0
    rewritten_values: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)  # (pk, field) that did not decrypt


def encrypted_models() -> Iterator[tuple[type[models.Model], list[EncryptedTextField]]]:
    for model in apps.get_models():
        sealed = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if sealed:
            yield model, sealed


def _stale(field: EncryptedTextField, prefix: str) -> Q:
    return ~Q(**{f"{field.name}__startswith": prefix}) & ~Q(**{field.name: ""}) & Q(**{f"{field.name}__isnull": False})


def values_reencrypt(
    *, batch_size: int = BATCH_SIZE, on_batch: Callable[[ModelCount], None] | None = None
) -> list[ModelCount]:
    """Rewrite every stale encrypted value; one audit row with the counts at the end."""
    prefix = crypto.current_prefix()
    counts = []
    for model, sealed in encrypted_models():
        count = ModelCount(model._meta.label)
        stale = Q()
        for f in sealed:
            stale |= _stale(f, prefix)
        last_pk = 0
        while True:
            with transaction.atomic():
                batch = list(
                    model._default_manager.select_for_update()
                    .filter(stale, pk__gt=last_pk)
                    .order_by("pk")
                    .only("pk", ROW_KEY, *(f.name for f in sealed))[:batch_size]
                )
                if not batch:
                    break
                last_pk = batch[-1].pk
                _reseal_batch(batch, sealed, prefix, count)
            if on_batch:
                on_batch(count)
        counts.append(count)
    with transaction.atomic():
        audit_record(
            action="data.reencrypt",
            object_type="key",
            object_id=crypto.current_prefix().split(":")[1],
            result="ok" if not any(c.failed for c in counts) else "failed",
            detail={
                c.label: {"rows": c.stale_rows, "values": c.rewritten_values, "failed": len(c.failed)} for c in counts
            },
        )
    return counts


def _reseal_batch(batch: list[models.Model], sealed: list[EncryptedTextField], prefix: str, count: ModelCount) -> None:
    rewrite: list[models.Model] = []
    for row in batch:
        count.stale_rows += 1
        stale = [f for f in sealed if (token := f.stored_token(row)) and not token.startswith(prefix)]
        try:
            for f in stale:
                getattr(row, f.attname)  # opened now, so that saving seals it anew
        except crypto.DecryptionError:
            count.failed.append((row.pk, f.name))
            continue  # the whole row stays as it is
        rewrite.append(row)
        count.rewritten_values += len(stale)
    bulk_update_sealed(rewrite, [f.name for f in sealed])
