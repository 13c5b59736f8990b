"""What the demo's staff did with the contributions: answers, themes, near-duplicate groups.

Answers and theme links go in by bulk INSERT (the caller rebuilds the tally); the themes are
created and the near-duplicates grouped by the application's own services, as cron would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from consultation.contributions import similarity, themes
from consultation.contributions.models import Contribution, Status, contribution_theme
from consultation.demo.bank import Bank, topic_of
from consultation.extensions import db
from consultation.moderation.models import Answer, AnswerStatus, Disposition
from consultation.publication.models import Chapter, Consultation

DISPOSITION_WEIGHTS = {
    Disposition.TAKEN_INTO_ACCOUNT: 18,
    Disposition.PARTLY_TAKEN: 30,
    Disposition.NOT_RETAINED: 20,
    Disposition.OUT_OF_SCOPE: 7,
    Disposition.FOR_INFORMATION: 25,
}
#: Contributions published this long ago have had time to be answered.
ANSWER_DELAY = timedelta(days=2)
PUBLISHED_SHARE, DRAFT_SHARE, RECENT_DRAFT_SHARE = 0.68, 0.12, 0.25
THEMED_SHARE, SECOND_THEME_SHARE = 0.8, 0.12


@dataclass(frozen=True)
class Published:
    id: int
    chapter_number: int
    section_anchor: str | None
    published_at: datetime
    is_form_letter: bool


@dataclass(frozen=True)
class FollowUp:
    answer_count: int
    draft_count: int
    theme_count: int
    group_count: int
    grouped_count: int


def follow_up(
    consultation: Consultation, moderator_id: int, end: datetime, bank: Bank, rng: random.Random
) -> FollowUp:
    published = published_contributions(consultation, bank)
    answers = [row for item in published if (row := _answer(item, moderator_id, end, bank, rng))]
    if answers:
        db.session.execute(insert(Answer.__table__), answers)
    theme_count = _tag(consultation, published, bank, rng)
    group_count, grouped_count = _group(consultation)
    drafts = sum(row["status"] == AnswerStatus.DRAFT for row in answers)
    return FollowUp(len(answers) - drafts, drafts, theme_count, group_count, grouped_count)


def published_contributions(consultation: Consultation, bank: Bank) -> list[Published]:
    opening = bank.letter["text"].strip()[:80]
    query = (
        select(
            Contribution.id,
            Chapter.number,
            Contribution.section_anchor,
            Contribution.published_at,
            Contribution.body.startswith(opening),
        )
        .join(Chapter, Chapter.id == Contribution.chapter_id)
        .where(Contribution.consultation_id == consultation.id)
        .where(Contribution.status == Status.PUBLISHED)
        .order_by(Contribution.id)
    )
    return [Published(*row) for row in db.session.execute(query)]


def _answer(item: Published, moderator_id: int, end: datetime, bank: Bank, rng) -> dict | None:
    """A published answer, a draft, or nothing, by how long the contribution has been out."""
    draw = rng.random()
    if item.is_form_letter:
        body, disposition = bank.form_letter_answer, Disposition.PARTLY_TAKEN
        draw = 0.0  # the campaign is answered at once, every copy alike
    else:
        disposition = rng.choices(list(DISPOSITION_WEIGHTS), list(DISPOSITION_WEIGHTS.values()))[0]
        body = bank.answer(disposition.value, rng)
    is_old = end - item.published_at > ANSWER_DELAY
    if item.is_form_letter or (is_old and draw < PUBLISHED_SHARE):
        at = min(item.published_at + timedelta(hours=rng.uniform(12, 96)), end)
        return _answer_row(item, moderator_id, body, disposition, AnswerStatus.PUBLISHED, at)
    drafted = draw < PUBLISHED_SHARE + DRAFT_SHARE if is_old else draw < RECENT_DRAFT_SHARE
    if drafted:
        at = min(item.published_at + timedelta(hours=rng.uniform(2, 24)), end)
        return _answer_row(item, moderator_id, body, disposition, AnswerStatus.DRAFT, at)
    return None


def _answer_row(item: Published, moderator_id, body, disposition, status, at: datetime) -> dict:
    return {
        "contribution_id": item.id,
        "moderator_id": moderator_id,
        "body": body,
        "disposition": disposition,
        "status": status,
        "published_at": at if status == AnswerStatus.PUBLISHED else None,
        "updated_at": at,
    }


def _tag(consultation: Consultation, published: list[Published], bank: Bank, rng) -> int:
    """The analysts' themes, created through the service, given mostly by section."""
    created = {name: themes.create_theme(consultation, name) for name in bank.themes}
    db.session.flush()
    links = set()
    for item in published:
        topic = topic_of(item.chapter_number, item.section_anchor)
        fitting = [name for name, topics in bank.themes.items() if topic in topics]
        if fitting and rng.random() < THEMED_SHARE:
            links.add((item.id, created[rng.choice(fitting)].id))
        if rng.random() < SECOND_THEME_SHARE:
            links.add((item.id, created[rng.choice(list(created))].id))
    rows = [{"contribution_id": cid, "theme_id": tid} for cid, tid in sorted(links)]
    if rows:
        db.session.execute(insert(contribution_theme), rows)
    return len(created)


def _group(consultation: Consultation) -> tuple[int, int]:
    """Place every contribution not signed yet, as `flask contributions group-similar` does;
    the consultation's groups and the contributions in them."""
    for _chunk in similarity.group_new():
        pass
    grouped = Contribution.duplicate_group_id
    query = select(func.count(grouped.distinct()), func.count(grouped)).where(
        Contribution.consultation_id == consultation.id
    )
    groups, members = db.session.execute(query).one()
    return groups, members
