"""Model fields that store text (or JSON) encrypted with AES-GCM, sealed to their row (crypto.py).

Each value is bound to ``<db_table>.<column>.<row_key>``: a ciphertext copied into another row
fails to decrypt. `from_db_value` never sees the row, so a value is opened where the row is known:
- a value read from the database arrives as `Sealed` (the stored text, unopened); the model
  attribute is a descriptor (`SealedAttribute`) whose first read opens it with the instance's
  binding and keeps the plaintext; a value never read is never decrypted;
- `pre_save`, which sees the instance, seals the plaintext for its row (insert, update and Django's
  `bulk_create` all call it); a value that was not read is written back exactly as stored;
- a bare plaintext handed to the database without its row (`QuerySet.update`, a filter, Django's
  `bulk_update`) is refused with ValueError: it could not be bound. Bulk updates go through
  `bulk_update_sealed`; `.values()` gives `Sealed` values, opened with `field.open(value, row_key=…)`.
A model with such fields inherits `core.models.SealedRow` (its `row_key`); a system check says so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Value
from django.db.models.query_utils import DeferredAttribute

from qiaomen.core import crypto

ROW_KEY = "row_key"


class Sealed(str):
    """A ciphertext as the database holds it: never shown, only written back or opened."""

    __slots__ = ()


@dataclass(slots=True)
class _Slot:
    """What an instance holds for one encrypted field."""

    plain: Any  # the value, once opened or assigned; _UNOPENED until then
    token: str  # the stored or last sealed ciphertext ("" when none)
    sealed_for: str  # the binding `token` is known to be sealed for ("" when unknown)


class _Unopened:
    """Marks a value not yet decrypted; pickles as this module's one instance (cached models)."""

    def __reduce__(self) -> str:
        return "_UNOPENED"


_UNOPENED: Any = _Unopened()


def _held(instance: Any, attname: str) -> Any:
    """The slot of a field, loading it first if it was deferred (with the row key, which opening
    it needs, so that a deferred read costs one query, not two)."""
    if attname not in instance.__dict__:
        instance.refresh_from_db(fields=[attname] if ROW_KEY in instance.__dict__ else [attname, ROW_KEY])
    return instance.__dict__[attname]


class SealedAttribute(DeferredAttribute):
    """The model attribute of an encrypted field: opens on first read, knows its instance."""

    field: EncryptedTextField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        held = _held(instance, self.field.attname)
        if not isinstance(held, _Slot):
            return held  # an expression put there by bulk_update_sealed
        if held.plain is _UNOPENED:
            held.plain = self.field.open(held.token, row_key=self.field.row_key_of(instance))
            if held.token.startswith(crypto.current_prefix()):
                held.sealed_for = self.field.binding(instance)
        return held.plain

    def __set__(self, instance: Any, value: Any) -> None:
        if isinstance(value, Sealed):
            held: Any = _Slot(_UNOPENED, str(value), "")
        elif hasattr(value, "resolve_expression"):
            held = value
        else:
            held = _Slot(value, "", "")
        instance.__dict__[self.field.attname] = held


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text encrypted at rest, bound to its table, column and row.

    A tampered or misplaced value raises `crypto.DecryptionError` when read: nothing garbled is
    ever shown. `purpose` is the associated data this column used under the v1 format (read
    only); columns created after v2 have none.
    """

    descriptor_class = SealedAttribute
    # A JSON value can be changed in place, so its last ciphertext cannot be trusted on save.
    mutable_values = False

    def __init__(self, *args: Any, purpose: str = "", **kwargs: Any) -> None:
        self.purpose = purpose
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.purpose:
            kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if not self.model._meta.abstract and not self._keyed:
            errors.append(
                checks.Error(
                    f"{self.model.__name__} has encrypted fields but no {ROW_KEY}: inherit core.models.SealedRow",
                    obj=self,
                    id="qiaomen.E001",
                )
            )
        return errors

    # --- text <-> value (the JSON field overrides these) ---------------------------------------

    def _is_empty(self, value: Any) -> bool:
        return value is None or value == ""

    def _to_text(self, value: Any) -> str:
        return str(value)

    def _from_text(self, text: str) -> Any:
        return text

    # --- sealing --------------------------------------------------------------------------

    def row_key_of(self, instance: Any) -> Any:
        """The instance's row key; None for a model as a migration sees it before row keys."""
        return getattr(instance, ROW_KEY) if self._keyed else None

    @property
    def _keyed(self) -> bool:
        try:
            self.model._meta.get_field(ROW_KEY)
        except FieldDoesNotExist:
            return False
        return True

    def binding(self, instance: Any) -> str:
        return self.binding_for(self.row_key_of(instance))

    def binding_for(self, row_key: Any) -> str:
        return crypto.row_binding(self.model._meta.db_table, str(self.column), row_key)

    def seal(self, value: Any, *, row_key: Any) -> str | None:
        """The stored form of `value` in the row with this row key ("" or None stay as they are)."""
        if self._is_empty(value):
            return value  # type: ignore[no-any-return]
        return self._encrypt(value, row_key)

    def _encrypt(self, value: Any, row_key: Any) -> str:
        if row_key is None and not self._keyed:
            return crypto.encrypt(self._to_text(value), binding=self.purpose, version=crypto.LEGACY_VERSION)
        return crypto.encrypt(self._to_text(value), binding=self.binding_for(row_key))

    def open(self, token: str | None, *, row_key: Any) -> Any:
        """The value of a stored `token` read from the row with this row key (from `.values()`)."""
        if token is None or token == "":
            return token
        return self._from_text(crypto.decrypt(token, binding=self.binding_for(row_key), legacy_purpose=self.purpose))

    def stored_token(self, instance: Any) -> str:
        """The ciphertext as read from the database; "" when empty or assigned since."""
        held = _held(instance, self.attname)
        return held.token if isinstance(held, _Slot) else ""

    def sealed_value(self, instance: Any) -> Any:
        """What the database should hold for this field of `instance`."""
        held = _held(instance, self.attname)
        if not isinstance(held, _Slot):
            return held
        if held.plain is _UNOPENED:
            return Sealed(held.token)  # never read: written back as it is stored
        if self._is_empty(held.plain):
            return held.plain
        binding = self.binding(instance)
        reusable = held.sealed_for == binding and not self.mutable_values
        if not (reusable and held.token.startswith(crypto.current_prefix())):
            held.token = self._encrypt(held.plain, self.row_key_of(instance))
            held.sealed_for = binding
        return Sealed(held.token)

    # --- Django's hooks -------------------------------------------------------------------

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        return self.sealed_value(model_instance)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        if isinstance(value, Sealed):
            return str(value)
        raise ValueError(
            f"{self.model.__name__}.{self.name} is sealed to its row: write it through the instance "
            "(save, bulk_create, core.fields.bulk_update_sealed), never as a bare value"
        )

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def value_from_object(self, obj: Any) -> Any:
        """Serialisers (dumpdata) get the ciphertext, never the plaintext."""
        return self.sealed_value(obj)


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (questionnaire answers) encrypted as one text; `{}` is encrypted too."""

    mutable_values = True
    # What django-stubs' mypy plugin types the model attribute as: any JSON value.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def _is_empty(self, value: Any) -> bool:
        return value is None

    def _to_text(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def _from_text(self, text: str) -> Any:
        return json.loads(text)


def sealed_changes(row: models.Model, changes: dict[str, Any]) -> dict[str, Any]:
    """Column values for a `QuerySet.update` of this one row, its encrypted ones sealed to it."""
    meta = type(row)._meta
    sealed = {}
    for name, value in changes.items():
        field = meta.get_field(name)
        if isinstance(field, EncryptedTextField) and not isinstance(value, Sealed):
            token = field.seal(value, row_key=field.row_key_of(row))
            value = token if token in (None, "") else Sealed(token)
        sealed[name] = value
    return sealed


def bulk_update_sealed(objs: Sequence[models.Model], fields: Sequence[str], *, batch_size: int | None = None) -> int:
    """Django's `bulk_update` for models with encrypted fields: it reads each attribute without the
    row, so the values are sealed here, per instance, and handed over as ready expressions."""
    if not objs:
        return 0
    model = type(objs[0])
    sealed = [f for f in (model._meta.get_field(name) for name in fields) if isinstance(f, EncryptedTextField)]
    held: list[tuple[models.Model, str, Any]] = []
    try:
        for obj in objs:
            for field in sealed:
                token = field.sealed_value(obj)
                held.append((obj, field.attname, obj.__dict__[field.attname]))
                obj.__dict__[field.attname] = Value(token, output_field=field)
        return model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
    finally:
        for obj, attname, value in held:
            obj.__dict__[attname] = value
