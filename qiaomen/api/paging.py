"""Paging parameters shared by the list operations."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# Far beyond any real list (a street has some 70,000 households), and far inside the database's
# 64-bit integers: an offset past those made SQLite fail with "datatype mismatch" (a 500 that
# schemathesis found) where a client deserves a 422.
MAX_OFFSET = 10_000_000

Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="rows to skip")]
