"""Statements over thousands of values, fast on PostgreSQL as on SQLite.

Thousands of values cost more as placeholders (built by SQLAlchemy one by one, then sent and
parsed; and executemany sends each row on its own to PostgreSQL) than as one parameter: a list
goes to PostgreSQL as an array (`= ANY(:array)`, `unnest(:arrays)`) and to SQLite as a JSON text
(`IN (SELECT value FROM json_each(:json))`). Rows go to SQLite by executemany, fast in process.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, Text, any_, bindparam, cast, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import TypeEngine

from consultation.extensions import db


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def among(column: ColumnElement[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN values`, as one array parameter on PostgreSQL."""
    if _is_postgresql():
        return column == any_(_array(list(values), column.type))
    listed = func.json_each(json.dumps(list(values))).table_valued("value")
    return column.in_(select(listed.c.value))


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
    """An array parameter; integers go as the text of an array literal, cast by PostgreSQL:
    the driver would dump them one by one, which costs more than the query."""
    if all(type(value) is int for value in values):
        literal = "{" + ",".join(map(str, values)) + "}"
        return cast(bindparam(None, literal, type_=Text), ARRAY(item_type))
    return bindparam(None, values, type_=ARRAY(item_type))
