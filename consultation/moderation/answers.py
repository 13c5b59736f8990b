"""Writing official answers: save a draft, publish, edit after publication. Flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from consultation.accounts.models import User
from consultation.contributions.models import Contribution, Status
from consultation.contributions.services import contribution_link
from consultation.core.clock import now
from consultation.core.outbox import queue_mail
from consultation.extensions import db
from consultation.moderation.models import Answer, AnswerRevision, AnswerStatus, Disposition

NOT_PUBLISHED = "Seule une contribution publiée peut recevoir une réponse publiée."
ALREADY_PUBLIC = (
    "Cette réponse est déjà publiée : une modification se publie avec « Publier la réponse »."
)


class AnswerRefused(Exception):
    """An answer that cannot be recorded; message says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class AnswerText:
    body: str
    disposition: Disposition


def answer_of(contribution: Contribution) -> Answer | None:
    return db.session.scalar(select(Answer).where(Answer.contribution_id == contribution.id))


def save_draft(contribution: Contribution, text: AnswerText, moderator: User) -> Answer:
    """Record the answer without showing it; a published answer cannot go back to a draft."""
    answer = _answer_for(contribution, text, moderator)
    if answer.is_published:
        raise AnswerRefused(ALREADY_PUBLIC)
    _write(answer, text, moderator)
    db.session.flush()
    return answer


def publish(contribution: Contribution, text: AnswerText, moderator: User) -> Answer:
    """Publish the answer (first time: the author is told; later: the old version is kept)."""
    if contribution.status != Status.PUBLISHED:
        raise AnswerRefused(NOT_PUBLISHED)
    answer = _answer_for(contribution, text, moderator)
    if answer.is_published:
        _revise(answer, text, moderator)
        return answer
    _write(answer, text, moderator)
    answer.status, answer.published_at = AnswerStatus.PUBLISHED, now()
    db.session.flush()
    _tell_author(answer)
    return answer


def _answer_for(contribution: Contribution, text: AnswerText, moderator: User) -> Answer:
    """The contribution's answer, created in a savepoint: a simultaneous request may win the race,
    the unique contribution_id then refuses the second row and the existing one is used."""
    existing = answer_of(contribution)
    if existing is not None:
        return existing
    answer = Answer(contribution_id=contribution.id, body=text.body, disposition=text.disposition)
    answer.moderator_id, answer.status = moderator.id, AnswerStatus.DRAFT
    try:
        with db.session.begin_nested():
            db.session.add(answer)
            db.session.flush()
    except IntegrityError:
        existing = answer_of(contribution)
        if existing is None:
            raise
        return existing
    return answer


def _write(answer: Answer, text: AnswerText, moderator: User) -> None:
    answer.body, answer.disposition = text.body, text.disposition
    answer.moderator_id, answer.updated_at = moderator.id, now()


def _revise(answer: Answer, text: AnswerText, moderator: User) -> None:
    """Change a published answer, keeping the version the public read until now."""
    if (answer.body, answer.disposition) == (text.body, text.disposition):
        return
    previous = AnswerRevision(body=answer.body, disposition=answer.disposition)
    previous.edited_by_id, previous.edited_at = answer.moderator_id, answer.updated_at
    answer.revisions.append(previous)
    _write(answer, text, moderator)
    db.session.flush()


def _tell_author(answer: Answer) -> None:
    contribution = answer.contribution
    author = contribution.author
    if author is None or not author.email:
        return
    queue_mail(
        author.email,
        "contribution_answered",
        "contribution_answered",
        contribution=contribution,
        answer=answer,
        link=contribution_link(contribution),
    )


def awaiting_answer(limit: int = 200) -> list[Contribution]:
    """Published contributions without a published answer, the longest waiting first."""
    published_answer = select(Answer.id).where(
        Answer.contribution_id == Contribution.id, Answer.status == AnswerStatus.PUBLISHED
    )
    query = (
        select(Contribution)
        .where(Contribution.status == Status.PUBLISHED, ~published_answer.exists())
        .order_by(Contribution.published_at, Contribution.id)
        .limit(limit)
        .options(
            selectinload(Contribution.attachments),
            selectinload(Contribution.profile),
            selectinload(Contribution.chapter),
            selectinload(Contribution.answer),
        )
    )
    return list(db.session.scalars(query))
