"""What a comparison of the database with the models must leave aside on each database.

Some indexes exist on PostgreSQL only (declared with `ddl_if(dialect="postgresql")`), and the
SQLite search is an FTS5 virtual table with shadow tables that no model describes.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Index

#: Prefix of the FTS5 table of contribution bodies on SQLite and of its shadow tables.
SQLITE_SEARCH_TABLE = "contribution_fts"


def comparable_objects(dialect_name: str) -> Callable[..., bool]:
    """An Alembic `include_object` hook for a database of this dialect."""

    def include(object_, name, type_, reflected, _compare_to) -> bool:
        if type_ == "table" and reflected and (name or "").startswith(SQLITE_SEARCH_TABLE):
            return False
        if type_ == "index" and not reflected:
            return _created_on(object_, dialect_name)
        return True

    return include


def _created_on(index: Index, dialect_name: str) -> bool:
    condition = index._ddl_if
    return condition is None or condition.dialect in (None, dialect_name)
