"""The moderation queue: contributions to handle, by view ("tab") and filters, page by page.

Every view lists oldest first and is read by keyset, never OFFSET, so that the thousandth page
costs what the first does at a million contributions. The counts of the tabs are in
`queue_counts`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Select, and_, func, literal, or_, select, text, tuple_
from sqlalchemy.orm import selectinload

from consultation.contributions.models import Channel, Contribution, Status, contribution_theme
from consultation.contributions.search import body_matches
from consultation.core.dates import UTCDateTime
from consultation.extensions import db
from consultation.moderation.models import Answer, AnswerStatus, Report
from consultation.publication.models import Chapter

PAGE_SIZE = 50


class View(enum.StrEnum):
    """The tabs of the queue; the value is the `vue` parameter of its address."""

    PENDING = "a-moderer"
    REPORTED = "signalees"
    UNANSWERED = "sans-reponse"
    PUBLISHED = "publiees"
    REJECTED = "refusees"
    HIDDEN = "masquees"

    @property
    def label(self) -> str:
        return VIEW_LABELS[self]

    @property
    def status(self) -> Status:
        return VIEW_STATUSES.get(self, Status.PUBLISHED)


VIEW_LABELS = {
    View.PENDING: "À modérer",
    View.REPORTED: "Signalées",
    View.UNANSWERED: "Sans réponse",
    View.PUBLISHED: "Publiées",
    View.REJECTED: "Refusées",
    View.HIDDEN: "Masquées",
}
VIEW_STATUSES = {
    View.PENDING: Status.PENDING,
    View.REJECTED: Status.REJECTED,
    View.HIDDEN: Status.HIDDEN,
}


@dataclass(frozen=True)
class QueueFilter:
    """What the moderator asked for; every value already checked against what exists."""

    view: View = View.PENDING
    consultation_id: int | None = None
    batch_id: int | None = None
    chapter_id: int | None = None
    profile_id: int | None = None
    channel: Channel | None = None
    theme_id: int | None = None
    #: Bounds in UTC of the Paris days chosen: from included, before excluded.
    submitted_from: datetime | None = None
    submitted_before: datetime | None = None
    search: str | None = None
    #: A group of near-identical contributions (`Contribution.duplicate_group_id`).
    group_id: int | None = None


@dataclass(frozen=True)
class QueuePage:
    items: list[Contribution]
    next_cursor: str | None
    #: Whether the page is the first of its view (no valid cursor): else "Retour au début".
    is_first: bool = True
    #: Open reports of each contribution of the page that has any, by contribution id.
    open_report_counts: dict[int, int] = field(default_factory=dict)
    #: Members of each near-duplicate group the page shows, by group id.
    group_sizes: dict[int, int] = field(default_factory=dict)


def queue_page(filters: QueueFilter, after: str | None = None) -> QueuePage:
    """One page of a view, oldest first, after the cursor of the previous page."""
    tune_postgresql()
    query, key = _ordered(filters.view)
    query = query.where(*conditions(filters))
    position = decode_cursor(after)
    if position is not None:
        moment, identifier = position
        query = query.where(tuple_(*key) > tuple_(literal(moment, UTCDateTime()), identifier))
    query = query.order_by(*key).limit(PAGE_SIZE + 1).options(*_ROW_OPTIONS)
    rows = db.session.execute(query).all()
    items = [row[0] for row in rows[:PAGE_SIZE]]
    next_cursor = encode_cursor(*rows[PAGE_SIZE - 1]) if len(rows) > PAGE_SIZE else None
    return QueuePage(
        items, next_cursor, position is None, _open_report_counts(items), _group_sizes(items)
    )


_ROW_OPTIONS = (
    selectinload(Contribution.consultation),
    selectinload(Contribution.chapter),
    selectinload(Contribution.profile),
    selectinload(Contribution.themes),
)


def _ordered(view: View) -> tuple[Select, tuple]:
    """The rows of a view with their sort key: (moment, id), the moment ending the cursor."""
    if view is View.REPORTED:
        first = _first_open_reports()
        query = select(Contribution, first.c.reported_at).join(
            first, first.c.contribution_id == Contribution.id
        )
        return query.where(Contribution.status == Status.PUBLISHED), (
            first.c.reported_at,
            Contribution.id,
        )
    query = select(Contribution, Contribution.submitted_at).where(in_view(view))
    return query, (Contribution.submitted_at, Contribution.id)


def _first_open_reports():
    """When each contribution with open reports was first reported: the reported view's order."""
    return (
        select(Report.contribution_id, func.min(Report.created_at).label("reported_at"))
        .where(Report.resolved_at.is_(None))
        .group_by(Report.contribution_id)
        .subquery("first_open_report")
    )


def in_view(view: View):
    """The condition of a view on a contribution row."""
    if view is View.REPORTED:
        is_reported = select(Report.id).where(
            Report.contribution_id == Contribution.id, Report.resolved_at.is_(None)
        )
        return and_(Contribution.status == Status.PUBLISHED, is_reported.exists())
    if view is View.UNANSWERED:
        is_answered = select(Answer.id).where(
            Answer.contribution_id == Contribution.id, Answer.status == AnswerStatus.PUBLISHED
        )
        return and_(Contribution.status == Status.PUBLISHED, ~is_answered.exists())
    return Contribution.status == view.status


def conditions(filters: QueueFilter) -> list:
    """The filters as SQL conditions on contribution rows (the view aside)."""
    equal = {
        Contribution.consultation_id: filters.consultation_id,
        Contribution.chapter_id: filters.chapter_id,
        Contribution.profile_id: filters.profile_id,
        Contribution.channel: filters.channel,
        Contribution.duplicate_group_id: filters.group_id,
    }
    found = [column == value for column, value in equal.items() if value is not None]
    if filters.batch_id is not None:
        chapters = select(Chapter.id).where(Chapter.batch_id == filters.batch_id)
        found.append(Contribution.chapter_id.in_(chapters))
    if filters.theme_id is not None:
        tagged = select(contribution_theme.c.contribution_id).where(
            contribution_theme.c.theme_id == filters.theme_id
        )
        found.append(Contribution.id.in_(tagged))
    if filters.submitted_from is not None:
        found.append(Contribution.submitted_at >= filters.submitted_from)
    if filters.submitted_before is not None:
        found.append(Contribution.submitted_at < filters.submitted_before)
    if filters.search:
        found.append(matches(filters.search))
    return found


def matches(search: str):
    """The search in the body (see `consultation.contributions.search`), in the author's label
    or organisation (ILIKE, served by a trigram index on PostgreSQL), or the reference itself."""
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", search) + "%"
    return or_(
        body_matches(search),
        Contribution.reference == search.upper(),
        Contribution.author_label.ilike(pattern, escape="\\"),
        Contribution.organisation.ilike(pattern, escape="\\"),
    )


def tune_postgresql() -> None:
    """Two settings for the queue's statements, until the request's transaction ends, measured at
    a million contributions: no JIT compilation (it took 1.5 s of a 3.5 s count), and bitmaps of
    16 MB instead of 4, which stay exact: a lossy one makes PostgreSQL compute to_tsvector again
    on every row of its pages (the count of a search: 500 ms, then 40 ms)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL work_mem = '16MB'"))


def _open_report_counts(items: list[Contribution]) -> dict[int, int]:
    if not items:
        return {}
    query = (
        select(Report.contribution_id, func.count())
        .where(Report.contribution_id.in_([item.id for item in items]))
        .where(Report.resolved_at.is_(None))
        .group_by(Report.contribution_id)
    )
    return dict(db.session.execute(query).all())


def _group_sizes(items: list[Contribution]) -> dict[int, int]:
    """How many contributions each group of the page holds, in one query for the page."""
    groups = {item.duplicate_group_id for item in items if item.duplicate_group_id is not None}
    if not groups:
        return {}
    query = (
        select(Contribution.duplicate_group_id, func.count())
        .where(Contribution.duplicate_group_id.in_(groups))
        .group_by(Contribution.duplicate_group_id)
    )
    return dict(db.session.execute(query).all())


def encode_cursor(contribution: Contribution, moment: datetime) -> str:
    """Where the next page starts: the sort moment of the last row shown, and its id."""
    return f"{moment.isoformat()}~{contribution.id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The position a cursor names, or None for the first page (also when it is malformed)."""
    if not cursor:
        return None
    stamp, _, identifier = cursor.rpartition("~")
    try:
        moment, number = datetime.fromisoformat(stamp), int(identifier)
        if moment.tzinfo is None or not 0 < number < 2**31:
            return None
        return moment.astimezone(UTC), number
    except (ValueError, OverflowError):  # not a date, or out of range once in UTC
        return None
