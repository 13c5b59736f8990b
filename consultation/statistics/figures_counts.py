"""Contributions counted per dimension in the database: from the tally when the scope allows
it, by a live GROUP BY over the contributions when it cuts by theme.

A period is read from the tally for its whole weeks (the tally counts Paris weeks) and from the
contributions for the days at its ends, so that a month costs two short ranges of rows rather
than a million. Every path answers the same question with the same rows: `counts(scope,
"chapter_id", "channel")` gives {(chapter_id, "web"): 12, …}, enum values as their text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
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
WEEK = timedelta(days=7)
#: First and last Monday of the whole weeks of a period, None where it is open.
Weeks = tuple[date | None, date | None]


def uses_tally(scope: Scope) -> bool:
    """The tally has no theme: that cut needs the contributions."""
    return scope.theme_id is None


def counts(scope: Scope, *dimensions: str, live: bool = False) -> Counter[tuple[Any, ...]]:
    """Contributions in scope per combination of `dimensions` (tally.KEY names)."""
    unknown = set(dimensions) - DIMENSIONS
    if unknown:
        raise ValueError(f"not a dimension of the figures: {sorted(unknown)}")
    weeks = whole_weeks(scope)
    if live or not uses_tally(scope) or weeks is None:
        return _read(_live(scope, dimensions), tuned=True)
    result = _read(_from_tally(scope, dimensions, weeks))
    for edge in edges(scope, weeks):
        result.update(_read(_live(edge, dimensions), tuned=True))
    return result


def _read(query: Select, tuned: bool = False) -> Counter[tuple[Any, ...]]:
    if tuned:
        tune_planner()
    result: Counter[tuple[Any, ...]] = Counter()
    for *key, count in db.session.execute(query):
        result[tuple(tally.plain(value) for value in key)] += int(count or 0)
    return result


def whole_weeks(scope: Scope) -> Weeks | None:
    """The Mondays of the first and last whole weeks of the scope's period, None where the
    period is open; None altogether when it holds no whole week."""
    first = last = None
    if scope.start is not None:
        first = scope.start + timedelta(days=-scope.start.weekday() % 7)
    if scope.end is not None:
        last = scope.end - timedelta(days=(scope.end.weekday() + 1) % 7) - timedelta(days=6)
    if first is not None and last is not None and first > last:
        return None
    return first, last


def edges(scope: Scope, weeks: Weeks) -> list[Scope]:
    """The days of the period outside its whole weeks, as scopes of their own."""
    first, last = weeks
    parts = []
    if first is not None and scope.start is not None and scope.start < first:
        parts.append(replace(scope, end=first - timedelta(days=1)))
    if last is not None and scope.end is not None and last + WEEK <= scope.end:
        parts.append(replace(scope, start=last + WEEK))
    return parts


def tune_planner() -> None:
    """Before an aggregate over many contributions on PostgreSQL: JIT compilation costs more
    than it saves on them (17 ms of 96 for the near-duplicate groups at a million rows), and a
    join of a hundred thousand theme links spills to disk under the default work_mem."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL work_mem = '16MB'"))


def _from_tally(scope: Scope, dimensions: tuple[str, ...], weeks: Weeks) -> Select:
    columns = [ContributionTally.__table__.c[name] for name in dimensions]
    table = ContributionTally
    query = select(*columns, func.sum(table.count)).group_by(*columns)
    conditions = [table.consultation_id == scope.consultation.id]
    conditions += _shared_conditions(scope, table.chapter_id, table.profile_id, table.channel)
    if scope.public:
        conditions.append(table.status == Status.PUBLISHED.value)
    first, last = weeks
    if first is not None:
        conditions.append(table.week >= first)
    if last is not None:
        conditions.append(table.week <= last)
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
    else:  # every status, named: an index on (status, submitted_at) can then read a period
        conditions.append(c.status.in_(list(Status)))
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
