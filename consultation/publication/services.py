"""Reading what is public: consultations, and the chapters whose batch has been published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from consultation.extensions import db
from consultation.publication.models import (
    Batch,
    Chapter,
    ChapterVersion,
    Consultation,
    ConsultationStatus,
)
from consultation.publication.sections import Section

#: Order of the home page: what people can act on first.
STATUS_ORDER = (ConsultationStatus.OPEN, ConsultationStatus.UPCOMING, ConsultationStatus.CLOSED)


def consultations_by_status(at: datetime) -> dict[ConsultationStatus, list[Consultation]]:
    """Open consultations first, then upcoming, then closed, each sorted by its dates."""
    groups: dict[ConsultationStatus, list[Consultation]] = {status: [] for status in STATUS_ORDER}
    for consultation in db.session.scalars(select(Consultation).order_by(Consultation.opens_at)):
        groups[consultation.status(at)].append(consultation)
    groups[ConsultationStatus.CLOSED].reverse()
    return groups


def get_consultation_or_404(slug: str) -> Consultation:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        abort(404)
    return consultation


def published_chapters(consultation: Consultation, at: datetime) -> list[Chapter]:
    query = (
        select(Chapter)
        .where(Chapter.consultation_id == consultation.id, Chapter.is_published(at))
        .order_by(Chapter.number)
    )
    return list(db.session.scalars(query))


def get_published_chapter_or_404(slug: str, number: int, at: datetime) -> Chapter:
    """The chapter if its batch is out; a future chapter is a 404, like one that does not exist."""
    query = (
        select(Chapter)
        .join(Consultation)
        .where(Consultation.slug == slug, Chapter.number == number, Chapter.is_published(at))
        .options(selectinload(Chapter.versions))
    )
    chapter = db.session.scalar(query)
    if chapter is None:
        abort(404)
    return chapter


def find_section(chapter: Chapter, anchor: str) -> Section | None:
    sections = chapter.consultation_version.sections
    return next((section for section in sections if section.anchor == anchor), None)


@dataclass(frozen=True)
class SearchHit:
    chapter: Chapter
    sections: list[Section]


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_chapters(query: str, at: datetime, limit: int = 50) -> list[SearchHit]:
    """Published chapters whose title or consultation text contains every word of the query."""
    words = [word for word in query.split() if len(word) >= 2][:8]
    if not words:
        return []
    statement = (
        select(Chapter)
        .join(ChapterVersion)
        .where(Chapter.is_published(at), ChapterVersion.position == 1)
    )
    for word in words:
        pattern = _like_pattern(word)
        in_title = Chapter.title.ilike(pattern, escape="\\")
        statement = statement.where(or_(in_title, ChapterVersion.body.ilike(pattern, escape="\\")))
    chapters = db.session.scalars(
        statement.order_by(Chapter.consultation_id, Chapter.number).limit(limit)
    )
    return [SearchHit(chapter, _matching_sections(chapter, words)) for chapter in chapters]


def _matching_sections(chapter: Chapter, words: list[str]) -> list[Section]:
    lowered = [word.lower() for word in words]
    return [
        section
        for section in chapter.consultation_version.sections
        if any(word in section.title.lower() for word in lowered)
    ]


def next_batch(consultation: Consultation, at: datetime) -> Batch | None:
    return next(iter(consultation.upcoming_batches(at)), None)
