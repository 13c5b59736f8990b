"""Contributions counted per dimension in the database: from the tally when the scope allows
it, by a live GROUP BY over the contributions when it cuts by theme or period.

Both paths answer the same question with the same rows: `counts(scope, "chapter_id",
"channel")` gives {(chapter_id, "web"): 12, …}, enum values as their text.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select, text

from consultation.contributions.models import Contribution, Status, contribution_theme
from consultation.core.dates import PARIS
from consultation.extensions import db
from consultation.publication.models import Chapter
from consultation.statistics import tally
from consultation.statistics.models import ContributionTally

if TYPE_CHECKING:
    from consultation.statistics.figures import Scope

DIMENSIONS = frozenset(tally.KEY) - {"consultation_id"}


def uses_tally(scope: Scope) -> bool:
    """The tally has no theme and counts weeks, not days: those cuts need the contributions."""
    return scope.theme_id is None and scope.start is None and scope.end is None


def counts(scope: Scope, *dimensions: str, live: bool = False) -> Counter[tuple[Any, ...]]:
    """Contributions in scope per combination of `dimensions` (tally.KEY names)."""
    unknown = set(dimensions) - DIMENSIONS
    if unknown:
        raise ValueError(f"not a dimension of the figures: {sorted(unknown)}")
    if live or not uses_tally(scope):
        tune_planner()
        query = _live(scope, dimensions)
    else:
        query = _from_tally(scope, dimensions)
    result: Counter[tuple[Any, ...]] = Counter()
    for *key, count in db.session.execute(query):
        result[tuple(tally.plain(value) for value in key)] += int(count or 0)
    return result


def tune_planner() -> None:
    """Before an aggregate over many contributions on PostgreSQL: JIT compilation costs more
    than it saves on them (17 ms of 96 for the near-duplicate groups at a million rows), and a
    join of a hundred thousand theme links spills to disk under the default work_mem."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL work_mem = '16MB'"))


def _from_tally(scope: Scope, dimensions: tuple[str, ...]) -> Select:
    columns = [ContributionTally.__table__.c[name] for name in dimensions]
    table = ContributionTally
    query = select(*columns, func.sum(table.count)).group_by(*columns)
    conditions = [table.consultation_id == scope.consultation.id]
    conditions += _shared_conditions(scope, table.chapter_id, table.profile_id, table.channel)
    if scope.public:
        conditions.append(table.status == Status.PUBLISHED.value)
    return query.where(*conditions)


def _live(scope: Scope, dimensions: tuple[str, ...]) -> Select:
    session = db.session()
    answer = tally.published_answer()
    available = tally.key_columns(session, answer)
    columns = [available[name] for name in dimensions]
    query = select(*columns, func.count()).select_from(Contribution)
    if "disposition" in dimensions:
        query = tally.joined_answer(query, answer)
    return query.where(*contribution_conditions(scope)).group_by(*columns)


def contribution_conditions(scope: Scope) -> list[ColumnElement[bool]]:
    """The scope as conditions on Contribution, for every live query of the figures."""
    c = Contribution
    conditions = [c.consultation_id == scope.consultation.id]
    conditions += _shared_conditions(scope, c.chapter_id, c.profile_id, c.channel)
    if scope.public:
        conditions.append(c.status == Status.PUBLISHED)
    if scope.theme_id is not None:
        # An alias: queries that join contribution_theme themselves would correlate it away.
        link = contribution_theme.alias("theme_filter").c
        tagged = and_(link.contribution_id == c.id, link.theme_id == scope.theme_id)
        conditions.append(exists().where(tagged))
    conditions += period_conditions(scope, c.submitted_at)
    return conditions


def _shared_conditions(scope: Scope, chapter_id, profile_id, channel) -> list[Any]:
    conditions = []
    if scope.chapter_id is not None:
        conditions.append(chapter_id == scope.chapter_id)
    if scope.batch_id is not None:
        chapters = select(Chapter.id).where(Chapter.batch_id == scope.batch_id)
        conditions.append(chapter_id.in_(chapters))
    if scope.profile_id is not None:
        conditions.append(profile_id == scope.profile_id)
    if scope.channel is not None:
        conditions.append(channel == tally.plain(scope.channel))
    return conditions


def period_conditions(scope: Scope, column) -> list[ColumnElement[bool]]:
    """Paris dates, both inclusive, as bounds on a UTC timestamp column."""
    conditions = []
    if scope.start is not None:
        conditions.append(column >= paris_midnight(scope.start))
    if scope.end is not None:
        conditions.append(column < paris_midnight(scope.end + timedelta(days=1)))
    return conditions


def paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=PARIS)
