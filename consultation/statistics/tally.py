"""Keeps ContributionTally exact in the transaction that changes a contribution or its answer.

A flush that touches contributions or answers is framed by two grouped reads of the
contributions it concerns, as the database holds them before and after: the difference between
the two, grouped by the tally's key, is added to the tally before the transaction ends. Reading
the database rather than attribute history makes the delta right whatever the ORM knew (expired
attributes, relationships set instead of keys, rows removed by ON DELETE CASCADE). Statements
that change contributions without the unit of work run inside `tracking()`, which does the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    delete,
    event,
    func,
    insert,
    select,
    true,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session, aliased

from consultation.contributions.models import Contribution
from consultation.core import bulk
from consultation.core.dates import PARIS
from consultation.extensions import db
from consultation.moderation.models import Answer, AnswerStatus
from consultation.statistics.models import ContributionTally

KEY = ("consultation_id", "chapter_id", "profile_id", "channel", "status", "disposition", "week")
#: Changing one of these moves a contribution to another line of the tally.
_CONTRIBUTION_FIELDS = (
    *("consultation_id", "chapter_id", "profile_id", "channel", "status", "submitted_at"),
    *("consultation", "chapter", "profile"),
)
_ANSWER_FIELDS = ("status", "disposition", "contribution_id", "contribution")
_PENDING = "statistics_tally_ids"
_TABLE = ContributionTally.__table__

Key = tuple[Any, ...]


def week_of(at: datetime) -> date:
    """Monday of the week of `at`, in Paris time."""
    local = at.astimezone(PARIS).date()
    return local - timedelta(days=local.weekday())


def _paris_week_text(stored: str | None) -> str | None:
    """SQLite's `paris_week()`: stored UTC text in, Monday as ISO text out."""
    if stored is None:
        return None
    return week_of(datetime.fromisoformat(stored).replace(tzinfo=UTC)).isoformat()


def week_column(session: Session, column: ColumnElement[datetime]) -> ColumnElement[date]:
    """The Paris Monday of a UTC timestamp column, computed by the database."""
    if session.get_bind().dialect.name == "postgresql":
        local = func.timezone("Europe/Paris", column)
        return type_coerce(func.date_trunc("week", local), Date).cast(Date)
    raw = session.connection().connection.driver_connection
    raw.create_function("paris_week", 1, _paris_week_text, deterministic=True)
    return type_coerce(func.paris_week(column), Date)


def published_answer():
    """The contribution's answer, joined only when it is published (its disposition or None)."""
    return aliased(Answer, name="published_answer")


def key_columns(session: Session, answer) -> dict[str, ColumnElement[Any]]:
    """The tally's key as columns of contribution LEFT JOIN published answer."""
    return {
        "consultation_id": Contribution.consultation_id,
        "chapter_id": Contribution.chapter_id,
        "profile_id": Contribution.profile_id,
        "channel": Contribution.channel,
        "status": Contribution.status,
        "disposition": answer.disposition,
        "week": week_column(session, Contribution.submitted_at),
    }


def joined_answer(query: Select, answer) -> Select:
    on = and_(answer.contribution_id == Contribution.id, answer.status == AnswerStatus.PUBLISHED)
    return query.outerjoin(answer, on)


def grouped(session: Session, condition: ColumnElement[bool]) -> Select:
    """The contributions matching `condition`, counted per tally key."""
    answer = published_answer()
    columns = list(key_columns(session, answer).values())
    query = select(*columns, func.count().label("count")).select_from(Contribution)
    return joined_answer(query, answer).where(condition).group_by(*columns)


def plain(value: Any) -> Any:
    """An enum member as the text the tally stores."""
    return getattr(value, "value", value)


def snapshot(session: Session, condition: ColumnElement[bool], lock: bool = False) -> Counter[Key]:
    """The contributions matching `condition` per tally key. `lock` first takes their rows (on
    PostgreSQL) until the transaction ends: a concurrent change of one of them then waits, and
    this reads the state it committed, so that the two deltas add up instead of overlapping."""
    if lock:
        # In the order of their ids, so that two transactions locking several never deadlock.
        rows = select(Contribution.id).where(condition).order_by(Contribution.id)
        session.execute(rows.with_for_update())
    counts: Counter[Key] = Counter()
    for *key, count in session.execute(grouped(session, condition)):
        counts[tuple(plain(value) for value in key)] += count
    return counts


def apply(session: Session, before: Counter[Key], after: Counter[Key]) -> None:
    """Add after − before to the tally, one statement or two per key that changed."""
    for key in before.keys() | after.keys():
        delta = after[key] - before[key]
        if delta:
            _add(session, key, delta)


def _add(session: Session, key: Key, delta: int) -> None:
    """Add to one row of the key that no other transaction holds, or to a new one: readers sum,
    so twin rows are harmless, and writers on PostgreSQL never wait for each other's commit."""
    values = dict(zip(KEY, key, strict=True))
    match = and_(*(_TABLE.c[name].is_not_distinct_from(value) for name, value in values.items()))
    free = select(_TABLE.c.id).where(match).order_by(_TABLE.c.id).limit(1)
    row = free.with_for_update(skip_locked=True).scalar_subquery()
    result = session.execute(
        update(_TABLE).where(_TABLE.c.id == row).values(count=_TABLE.c.count + delta)
    )
    if result.rowcount == 0:
        session.execute(insert(_TABLE).values(**values, count=delta))


def _matching(ids: Iterable[int]) -> ColumnElement[bool]:
    ids = sorted(set(ids))
    return bulk.among(Contribution.id, ids) if len(ids) > 200 else Contribution.id.in_(ids)


@contextmanager
def tracking(condition: ColumnElement[bool]) -> Iterator[None]:
    """Keep the tally exact across statements that bypass the unit of work (UPDATE, DELETE)
    on the contributions matching `condition` (or their answers), before and after alike."""
    session = db.session()
    session.flush()
    before = snapshot(session, condition, lock=True)
    yield
    apply(session, before, snapshot(session, condition))


def track_contributions(ids: Iterable[int]) -> Any:
    """`tracking()` of a few contributions named by id."""
    return tracking(_matching(ids))


def _changed(obj: object, fields: Iterable[str]) -> bool:
    state = db.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _answer_contribution_ids(answer: Answer) -> set[int]:
    ids = set(db.inspect(answer).attrs.contribution_id.history.sum())
    linked = answer.__dict__.get("contribution")
    if linked is not None and linked.id is not None:
        ids.add(linked.id)
    return {identifier for identifier in ids if identifier is not None}


def _concerned(session: Session) -> set[int]:
    """Contributions, already in the database, whose tally line this flush may change."""
    ids: set[int] = set()
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, Contribution) and (
            obj in session.deleted or _changed(obj, _CONTRIBUTION_FIELDS)
        ):
            ids.add(obj.id)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Answer) and (obj not in session.dirty or _changed(obj, _ANSWER_FIELDS)):
            ids |= _answer_contribution_ids(obj)
    return ids


def _before_flush(session: Session, _context, _instances) -> None:
    ids = _concerned(session)
    news = any(isinstance(obj, Contribution) for obj in session.new)
    if not ids and not news:
        session.info.pop(_PENDING, None)
        return
    before = snapshot(session, _matching(ids), lock=True) if ids else Counter()
    session.info[_PENDING] = (ids, before)


def _after_flush(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    ids, before = pending
    ids = ids | {obj.id for obj in session.new if isinstance(obj, Contribution)}
    answers = (obj for obj in session.new if isinstance(obj, Answer))
    ids |= {answer.contribution_id for answer in answers if answer.contribution_id}
    apply(session, before, snapshot(session, _matching(ids)))


def install() -> None:
    """Listen to every session's flushes, once per process."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


def rebuild(consultation_id: int | None = None) -> int:
    """Recompute the tally of one consultation (or all) from its contributions; the number of
    contributions counted. For bulk loads and repairs; the caller commits."""
    session = db.session()
    session.flush()
    scope = _TABLE.c.consultation_id == consultation_id if consultation_id else true()
    session.execute(delete(_TABLE).where(scope))
    condition = Contribution.consultation_id == consultation_id if consultation_id else true()
    session.execute(insert(_TABLE).from_select([*KEY, "count"], grouped(session, condition)))
    total = select(func.coalesce(func.sum(_TABLE.c.count), 0)).where(scope)
    return int(session.scalar(total))
