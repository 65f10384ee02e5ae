"""`field__any_of=ids`: rows whose key is one of many ids, with the ids as one parameter.

`field__in=ids` writes one placeholder per id. A grid worker's work list reads five tables for
the 400 households of a grid at 250,000 households: 2,000 placeholders that Django prepares one
by one, psycopg splits out of the SQL and quotes into it, and PostgreSQL parses, on every request
(about a fifth of the page's process time there). On PostgreSQL this lookup writes
`field = ANY(%s)` and sends the ids as one array, which the planner treats exactly as the IN list
it stands for. Other databases get Django's own IN. For integer keys (primary and foreign keys).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler


class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        ids: Iterable[Any] = self.rhs
        return [int(value) for value in ids]

    # The parameters hold one list on PostgreSQL: not the str | int the stubs allow for.
    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        if not self.rhs:
            raise EmptyResultSet  # as `__in=[]`: the condition holds for no row
        if connection.vendor != "postgresql":
            return In(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)


# A foreign key takes only the lookups registered on the relation classes, not Field's.
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
