"""Statements over thousands of values that stay fast on PostgreSQL as on SQLite.

A list of thousands of values costs PostgreSQL more as placeholders (built, sent and parsed one
by one, and executemany sends each row on its own) than as one array parameter: there, the
values go as arrays (`= ANY(:array)`, `unnest(:column_arrays)`). SQLite has no arrays and
takes the plain forms, which are fast in process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, any_, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import TypeEngine

from consultation.extensions import db


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def among(column: ColumnElement[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN values`, as one array parameter on PostgreSQL."""
    if _is_postgresql():
        return column == any_(_array(list(values), column.type))
    return column.in_(values)


def insert_rows(table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows with one statement on PostgreSQL (unnest of one array per column)."""
    if not rows:
        return
    if not _is_postgresql():
        db.session.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    arrays = [_array([row[name] for row in rows], table.c[name].type) for name in names]
    source = func.unnest(*arrays).table_valued(*names).render_derived("source")
    db.session.execute(insert(table).from_select(names, select(*source.c)))


def _array(values: list[Any], item_type: TypeEngine[Any]):
    return bindparam(None, values, type_=ARRAY(item_type))
