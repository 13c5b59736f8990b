"""The rows and columns the figures are laid on: chapters, profiles and weeks, zeros kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from consultation.accounts.models import Profile
from consultation.core.clock import now
from consultation.extensions import db
from consultation.publication.models import Chapter
from consultation.statistics.tally import week_of

if TYPE_CHECKING:
    from consultation.statistics.figures import Scope

NO_PROFILE = "Non renseigné"


@dataclass(frozen=True)
class ChapterRow:
    id: int
    number: int
    title: str

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"


def chapters_in_scope(scope: Scope) -> list[ChapterRow]:
    """The consultation's chapters that the scope keeps, in chapter order."""
    query = select(Chapter.id, Chapter.number, Chapter.title).where(
        Chapter.consultation_id == scope.consultation.id
    )
    if scope.chapter_id is not None:
        query = query.where(Chapter.id == scope.chapter_id)
    if scope.batch_id is not None:
        query = query.where(Chapter.batch_id == scope.batch_id)
    if scope.public:  # a chapter whose batch is still to come is not named in public
        query = query.where(Chapter.is_published(now()))
    rows = db.session.execute(query.order_by(Chapter.number))
    return [ChapterRow(*row) for row in rows]


def profile_columns(found: Mapping[int | None, int]) -> list[tuple[int | None, str]]:
    """Every active profile in profile order, retired ones only where counted, then
    "Non renseigné" when something has no profile."""
    counted = [key for key in found if key is not None]
    query = (
        select(Profile.id, Profile.label)
        .where(or_(Profile.is_active, Profile.id.in_(counted)))
        .order_by(Profile.position, Profile.id)
    )
    columns: list[tuple[int | None, str]] = [tuple(row) for row in db.session.execute(query)]
    if found.get(None):
        columns.append((None, NO_PROFILE))
    return columns


def week_range(scope: Scope, found: set[date]) -> list[date]:
    """Mondays from the opening week to the closing week (or this week, if earlier), within
    the scope's period, and every week that holds a contribution."""
    consultation = scope.consultation
    first = week_of(consultation.opens_at)
    last = week_of(min(consultation.closes_at - timedelta(microseconds=1), now()))
    if scope.start is not None:
        first = max(first, _monday(scope.start))
    if scope.end is not None:
        last = min(last, _monday(scope.end))
    if found:
        first, last = min(first, *found), max(last, *found)
    return [first + timedelta(weeks=index) for index in range((last - first).days // 7 + 1)]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
