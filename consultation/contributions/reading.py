"""Reading published contributions: counts, the latest per section, pages, one contribution.

Everything is computed in SQL (GROUP BY, a window function, keyset pages), so a chapter with a
hundred thousand contributions costs the same as one with ten. Only published contributions are
shown or counted publicly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select, tuple_, union_all
from sqlalchemy.orm import selectinload

from consultation.accounts.models import User
from consultation.contributions.models import Attachment, Contribution, PublishedCount, Status
from consultation.core.dates import UTCDateTime
from consultation.core.roles import Role
from consultation.extensions import db
from consultation.publication.models import Chapter, Consultation

LATEST_PER_SECTION = 3
PAGE_SIZE = 20
_CARD_OPTIONS = (selectinload(Contribution.attachments), selectinload(Contribution.profile))


def _published_on(chapter_id: int):
    return (Contribution.chapter_id == chapter_id) & (Contribution.status == Status.PUBLISHED)


def counts_by_chapter(consultation: Consultation) -> dict[int, int]:
    """Published contributions per chapter, from the counts kept up to date on each change."""
    chapter_ids = select(Chapter.id).where(Chapter.consultation_id == consultation.id)
    query = (
        select(PublishedCount.chapter_id, func.sum(PublishedCount.published_count))
        .where(PublishedCount.chapter_id.in_(chapter_ids), PublishedCount.published_count > 0)
        .group_by(PublishedCount.chapter_id)
    )
    return {chapter_id: int(count) for chapter_id, count in db.session.execute(query)}


def counts_by_section(chapter: Chapter) -> dict[str | None, int]:
    """Published contributions per section anchor; None holds those on the whole chapter."""
    query = select(PublishedCount.section_anchor, PublishedCount.published_count).where(
        PublishedCount.chapter_id == chapter.id, PublishedCount.published_count > 0
    )
    return {anchor or None: count for anchor, count in db.session.execute(query)}


def latest_by_section(chapter: Chapter, anchors, limit: int = LATEST_PER_SECTION):
    """The `limit` latest published contributions of each given section (None: whole chapter).

    One small indexed query per section, glued by UNION ALL: a window function over the whole
    chapter reads every row (chapter page 93 ms at 100,000 contributions, 14 ms this way).
    """
    if not anchors:
        return {}
    newest = (Contribution.published_at.desc(), Contribution.id.desc())
    latest_ids = union_all(
        *(
            select(
                select(Contribution.id)
                .where(_published_on(chapter.id), _in_section(anchor))
                .order_by(*newest)
                .limit(limit)
                .subquery()
            )
            for anchor in anchors
        )
    )
    query = select(Contribution).where(Contribution.id.in_(latest_ids)).order_by(*newest)
    latest: dict[str | None, list[Contribution]] = {}
    for contribution in db.session.scalars(query.options(*_CARD_OPTIONS)):
        latest.setdefault(contribution.section_anchor, []).append(contribution)
    return latest


def _in_section(anchor: str | None):
    if anchor is None:
        return Contribution.section_anchor.is_(None)
    return Contribution.section_anchor == anchor


@dataclass
class ChapterContributions:
    """What the chapter page shows of its contributions."""

    counts: dict[str | None, int]
    latest: dict[str | None, list[Contribution]]

    @property
    def total_count(self) -> int:
        return sum(self.counts.values())


def chapter_contributions(chapter: Chapter) -> ChapterContributions:
    counts = counts_by_section(chapter)
    return ChapterContributions(counts, latest_by_section(chapter, list(counts)))


@dataclass
class Page:
    items: list[Contribution]
    next_cursor: str | None = None
    previous_cursor: str | None = None


def encode_cursor(contribution: Contribution) -> str:
    return f"{contribution.published_at.isoformat()}~{contribution.id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    moment, _, identifier = cursor.partition("~")
    try:
        moment_at, number = datetime.fromisoformat(moment), int(identifier)
    except ValueError:
        return None
    return (moment_at, number) if moment_at.tzinfo is not None else None


def page_of(
    chapter: Chapter,
    section_anchor: str | None = None,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """Published contributions newest first, one page after or before a cursor (keyset)."""
    query = select(Contribution).where(_published_on(chapter.id)).options(*_CARD_OPTIONS)
    if section_anchor:
        query = query.where(Contribution.section_anchor == section_anchor)
    key = tuple_(Contribution.published_at, Contribution.id)
    backwards, cursor = (True, decode_cursor(before)) if before else (False, decode_cursor(after))
    if cursor is not None:
        bound = tuple_(literal(cursor[0], UTCDateTime()), literal(cursor[1]))
        query = query.where(key > bound if backwards else key < bound)
    order = (Contribution.published_at, Contribution.id)
    if backwards:
        query = query.order_by(*(column.asc() for column in order))
    else:
        query = query.order_by(*(column.desc() for column in order))
    rows = list(db.session.scalars(query.limit(size + 1)))
    has_more, items = len(rows) > size, rows[:size]
    if backwards:
        items.reverse()
    return _page(items, has_more, backwards, cursor is not None)


def _page(items: list[Contribution], has_more: bool, backwards: bool, has_cursor: bool) -> Page:
    if not items:
        return Page(items)
    has_next = has_cursor if backwards else has_more
    has_previous = has_more if backwards else has_cursor
    return Page(
        items,
        next_cursor=encode_cursor(items[-1]) if has_next else None,
        previous_cursor=encode_cursor(items[0]) if has_previous else None,
    )


def get_by_reference(reference: str) -> Contribution | None:
    query = select(Contribution).where(Contribution.reference == reference)
    return db.session.scalar(query.options(*_CARD_OPTIONS))


def can_read(contribution: Contribution, user: User) -> bool:
    """Published ones are public; the author and moderators also see the others."""
    if contribution.is_published:
        return True
    if not user.is_authenticated:
        return False
    return contribution.author_id == user.id or user.role in (Role.MODERATOR, Role.ADMIN)


def can_download(attachment: Attachment, user: User) -> bool:
    contribution = attachment.contribution
    if contribution.is_published and attachment.is_public:
        return True
    if not user.is_authenticated:
        return False
    return contribution.author_id == user.id or user.role in (Role.MODERATOR, Role.ADMIN)


def pending_queue(limit: int = 200) -> list[Contribution]:
    """Contributions waiting for a moderator, oldest first."""
    query = (
        select(Contribution)
        .where(Contribution.status == Status.PENDING)
        .order_by(Contribution.submitted_at, Contribution.id)
        .limit(limit)
        .options(*_CARD_OPTIONS, selectinload(Contribution.chapter))
    )
    return list(db.session.scalars(query))
