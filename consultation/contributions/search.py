"""Search in the bodies of contributions, through the index each database has.

PostgreSQL matches the stored `search_document` (French lexemes, so "donnée" finds "données");
SQLite matches its FTS5 table `contribution_fts` (`core.schema.SQLITE_SEARCH_TABLE`), word
by word and by prefix, without accents.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, bindparam, func, literal_column, select, text

from consultation.contributions.models import Contribution
from consultation.extensions import db

#: The configuration as a literal, the one the trigger writes `search_document` with.
FRENCH = literal_column("'french'")
WORD = re.compile(r"\w+")


def body_matches(search: str) -> ColumnElement[bool]:
    """Contributions whose body holds the words searched (all of them)."""
    if db.session.get_bind().dialect.name == "postgresql":
        query = func.websearch_to_tsquery(FRENCH, search)
        return Contribution.search_document.bool_op("@@")(query)
    return Contribution.id.in_(_sqlite_matches(search))


def _sqlite_matches(search: str):
    words = WORD.findall(search)
    if not words:
        return select(Contribution.id).where(Contribution.id.is_(None))
    # Each word quoted, so that nothing typed is read as FTS5 syntax; a prefix for plurals.
    expression = " ".join(f'"{word}"*' for word in words)
    fts = text("SELECT rowid FROM contribution_fts WHERE contribution_fts MATCH :query")
    return fts.bindparams(bindparam("query", expression)).columns(rowid=Contribution.id.type)
