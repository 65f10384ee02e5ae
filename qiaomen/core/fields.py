"""A model field that stores text encrypted with AES-GCM (see crypto.py)."""

from __future__ import annotations

from typing import Any

from django.db import models

from qiaomen.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Encrypts on the way into the database, decrypts on the way out.

    A tampered value raises `crypto.DecryptionError` on read: nothing garbled is ever shown.
    `purpose` is the associated data, unique per column.
    """

    def __init__(self, *args: Any, purpose: str = "", **kwargs: Any) -> None:
        if not purpose:
            raise TypeError("EncryptedTextField needs a purpose, e.g. 'person.id_number'")
        self.purpose = purpose
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(str(value), purpose=self.purpose)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return crypto.decrypt(value, purpose=self.purpose)
