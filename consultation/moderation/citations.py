"""Citations of the final text in official answers: which sections can be cited, and citing them.

An answer may say where the final text took the contribution into account ("see 2.3"). The
cited sections are those of the final text; `citable_sections` is the one place that says what the
final text is, so that labelled final versions (issue 7) change this function and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consultation.core.clock import now
from consultation.extensions import db
from consultation.moderation.models import Answer, AnswerCitation
from consultation.publication.models import Chapter, ChapterVersion, Consultation
from consultation.publication.sections import Section

#: An answer cites a few sections; more would read as a table of contents.
MAX_CITATIONS = 30


@dataclass(frozen=True)
class CitableSection:
    chapter: Chapter
    version: ChapterVersion
    section: Section

    @property
    def key(self) -> str:
        """What the form sends: the version and the anchor, since anchors repeat across chapters."""
        return citation_key(self.version.id, self.section.anchor)


def citation_key(version_id: int, anchor: str) -> str:
    return f"{version_id}:{anchor}"


def citable_sections(consultation: Consultation) -> list[CitableSection]:
    """The sections of the final text: the latest version of each published chapter, in order."""
    query = (
        select(Chapter)
        .where(Chapter.consultation_id == consultation.id, Chapter.is_published(now()))
        .order_by(Chapter.number)
        .options(selectinload(Chapter.versions))
    )
    return [
        CitableSection(chapter, chapter.latest_version, section)
        for chapter in db.session.scalars(query)
        for section in chapter.latest_version.sections
    ]


def by_chapter(citable: list[CitableSection]) -> list[tuple[Chapter, list[CitableSection]]]:
    """The citable sections grouped by chapter, for one fieldset per chapter in the form."""
    return [(chapter, list(items)) for chapter, items in groupby(citable, lambda i: i.chapter)]


def keys_of(answer: Answer | None) -> list[str]:
    if answer is None:
        return []
    return [citation_key(item.chapter_version_id, item.section_anchor) for item in answer.citations]


def cite(answer: Answer, sections: tuple[CitableSection, ...]) -> None:
    """Make the answer cite exactly these sections, in this order; rows already there are kept."""
    existing = {citation_key(c.chapter_version_id, c.section_anchor): c for c in answer.citations}
    kept: list[AnswerCitation] = []
    for position, item in enumerate(sections):
        citation = existing.get(item.key) or AnswerCitation(
            chapter_version_id=item.version.id, section_anchor=item.section.anchor
        )
        citation.section_title, citation.position = item.section.title[:300], position
        kept.append(citation)
    answer.citations = kept


def describe(answer: Answer) -> list[dict[str, object]]:
    """The citations as the audit trail keeps them (AnswerRevision has no room for them)."""
    return [
        {
            "chapter_version_id": item.chapter_version_id,
            "anchor": item.section_anchor,
            "title": item.section_title,
        }
        for item in answer.citations
    ]
