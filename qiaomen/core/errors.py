"""Domain errors: a machine-readable code for the API and a translated message for people.

Services raise these; views and API handlers turn them into a form error, a page message or a
JSON body `{"code": ..., "message": ...}` with the matching HTTP status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: StrOrPromise, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class InvalidInput(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409
