"""Writing official answers: save a draft, publish, edit after publication. Flush, never commit.

Every write records an event in the audit trail. The event keeps a fingerprint of the text
(disposition, length, SHA-256, cited sections), not the text itself: the words the public read are
already kept by AnswerRevision and Answer, and the append-only trail, never pruned, would otherwise
hold every 20,000-character answer twice per edit. The fingerprint still proves which text it was.
Cited sections have no column in AnswerRevision, so their before/after lives in that event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from consultation.accounts.models import User
from consultation.contributions.models import Contribution, Status
from consultation.contributions.services import contribution_link
from consultation.core import audit
from consultation.core.clock import now
from consultation.core.errors import Refused
from consultation.core.outbox import queue_mail
from consultation.extensions import db
from consultation.moderation import citations
from consultation.moderation.citations import CitableSection
from consultation.moderation.models import Answer, AnswerRevision, AnswerStatus, Disposition

MAX_LENGTH = 20_000
TOO_LONG = f"La réponse doit compter au plus {MAX_LENGTH:_} caractères.".replace("_", "\u202f")
NOT_PUBLISHED = "Seule une contribution publiée peut recevoir une réponse publiée."
ALREADY_PUBLIC = (
    "Cette réponse est déjà publiée : une modification se publie avec « Publier la réponse »."
)
CONFLICT = (
    "Une autre personne a répondu entre-temps à l’une de ces contributions : rien n’a été "
    "enregistré. Rechargez la page et recommencez."
)
PUBLIC_NOT_DRAFT = "Elle a déjà une réponse publiée : un brouillon ne la remplace pas."
PUBLIC_DIFFERENT = (
    "Elle a déjà une réponse publiée différente : demandez « Remplacer les réponses déjà "
    "publiées » (--replace en ligne de commande) pour la remplacer."
)


class AnswerRefused(Refused):
    """An answer that cannot be recorded; message says why, in French."""


@dataclass(frozen=True)
class AnswerText:
    body: str
    disposition: Disposition
    #: The sections of the final text cited; None leaves the answer's citations as they are.
    citations: tuple[CitableSection, ...] | None = None


@dataclass(frozen=True)
class Answered:
    """One line of the mail telling an author: the contribution, its answer, its public page."""

    contribution: Contribution
    answer: Answer
    link: str


def answer_of(contribution: Contribution) -> Answer | None:
    return db.session.scalar(select(Answer).where(Answer.contribution_id == contribution.id))


def answer_problem(
    contribution: Contribution, text: AnswerText, *, publish: bool, replace: bool = False
) -> str | None:
    """Why this answer cannot be written on the contribution, or None: lets the pages that
    answer many contributions at once refuse them all before writing any. A published answer is
    only replaced when asked; republishing the same text is harmless and accepted."""
    if publish and contribution.status != Status.PUBLISHED:
        return NOT_PUBLISHED
    existing = contribution.answer
    if existing is None or not existing.is_published:
        return None
    if not publish:
        return PUBLIC_NOT_DRAFT
    if replace or _unchanged(existing, text):
        return None
    return PUBLIC_DIFFERENT


def save_draft(contribution: Contribution, text: AnswerText, moderator: User | None) -> Answer:
    """Record the answer without showing it; a published answer cannot go back to a draft."""
    [answer] = save_drafts([(contribution, text)], moderator)
    return answer


def publish(contribution: Contribution, text: AnswerText, moderator: User | None) -> Answer:
    """Publish the answer (first time: the author is told; later: the old version is kept)."""
    [answer] = publish_many([(contribution, text)], moderator)
    return answer


def save_drafts(
    items: Iterable[tuple[Contribution, AnswerText]],
    moderator: User | None,
    *,
    guard_races: bool = True,
) -> list[Answer]:
    """Draft each answer (see `publish_many` for guard_races). Raises AnswerRefused."""
    changes = []
    with db.session.no_autoflush:  # the new rows are flushed together by _record
        for contribution, text in items:
            answer = _answer_for(contribution, text, moderator, guard_races)
            if answer.is_published:
                raise AnswerRefused(ALREADY_PUBLIC)
            changes.append(_Change(contribution, answer, "answer.draft"))
            _write(answer, text, moderator)
    _record(changes, guard_races)
    return [change.answer for change in changes]


def publish_many(
    items: Iterable[tuple[Contribution, AnswerText]],
    moderator: User | None,
    *,
    guard_races: bool = True,
) -> list[Answer]:
    """Publish each answer; each author whose contributions get their first published answer
    is told once, in one mail listing them all. Raises AnswerRefused on the first refusal.

    guard_races inserts each new answer in a savepoint, so that an answer written meanwhile by
    someone else is taken up instead. Callers that refuse everything on such a conflict pass
    False: the new answers are then inserted together, far faster for hundreds of them, and a
    conflict refuses the whole lot.
    """
    with db.session.no_autoflush:  # the new rows are flushed together by _record
        changes = [_publish_one(c, text, moderator, guard_races) for c, text in items]
    _record(changes, guard_races)
    _tell_authors([change.answer for change in changes if change.action == "answer.publish"])
    return [change.answer for change in changes]


@dataclass
class _Change:
    """An answer written, and what the audit trail will say of it once the rows are flushed."""

    contribution: Contribution
    answer: Answer
    action: str | None
    before: dict[str, object] | None = None


def _publish_one(
    contribution: Contribution, text: AnswerText, moderator: User | None, guard_races: bool
) -> _Change:
    if contribution.status != Status.PUBLISHED:
        raise AnswerRefused(NOT_PUBLISHED)
    answer = _answer_for(contribution, text, moderator, guard_races)
    if answer.is_published:
        return _revise(contribution, answer, text, moderator)
    _write(answer, text, moderator)
    answer.status, answer.published_at = AnswerStatus.PUBLISHED, now()
    return _Change(contribution, answer, "answer.publish")


def _answer_for(
    contribution: Contribution, text: AnswerText, moderator: User | None, guard_races: bool
) -> Answer:
    """The contribution's answer, or a new draft holding the text.

    Guarded, the new row is inserted in a savepoint: a simultaneous request may win the race, the
    unique contribution_id then refuses the second row and the existing one is used. The answer
    loaded with the contribution saves a query per contribution when many are answered at once.
    """
    existing = contribution.answer
    if existing is not None:
        return existing
    answer = Answer(contribution_id=contribution.id, status=AnswerStatus.DRAFT, citations=[])
    _write(answer, text, moderator)
    if not guard_races:
        db.session.add(answer)
    else:
        try:
            with db.session.begin_nested():
                db.session.add(answer)
                db.session.flush()
        except IntegrityError:
            answer = answer_of(contribution)
            if answer is None:
                raise
    set_committed_value(contribution, "answer", answer)
    return answer


def _record(changes: list[_Change], guard_races: bool) -> None:
    """Flush the answers (new rows in one batch when unguarded), then audit what changed."""
    try:
        db.session.flush()
    except IntegrityError as error:
        if guard_races:
            raise
        raise AnswerRefused(CONFLICT) from error
    for change in changes:
        if change.action is None:
            continue
        after = fingerprint(change.answer)
        reference = change.contribution.reference
        audit.record(
            change.action, change.answer, before=change.before, after=after, label=reference
        )


def _id_of(moderator: User | None) -> int | None:
    """A command run by an operator writes answers with no moderator attached."""
    return None if moderator is None else moderator.id


def _write(answer: Answer, text: AnswerText, moderator: User | None) -> None:
    answer.body, answer.disposition = text.body, text.disposition
    if text.citations is not None:
        citations.cite(answer, text.citations)
    answer.moderator_id, answer.updated_at = _id_of(moderator), now()


def _unchanged(answer: Answer, text: AnswerText) -> bool:
    if (answer.body, answer.disposition) != (text.body, text.disposition):
        return False
    return text.citations is None or citations.keys_of(answer) == [c.key for c in text.citations]


def _revise(
    contribution: Contribution, answer: Answer, text: AnswerText, moderator: User | None
) -> _Change:
    """Change a published answer, keeping the version the public read until now; a changed
    list of cited sections alone is an edit too."""
    if _unchanged(answer, text):
        return _Change(contribution, answer, None)
    before = fingerprint(answer)
    previous = AnswerRevision(body=answer.body, disposition=answer.disposition)
    previous.edited_by_id, previous.edited_at = answer.moderator_id, answer.updated_at
    answer.revisions.append(previous)
    _write(answer, text, moderator)
    return _Change(contribution, answer, "answer.edit", before)


def fingerprint(answer: Answer) -> dict[str, object]:
    """What the audit trail keeps of an answer: enough to tell two texts apart, not the text."""
    return {
        "status": answer.status.value,
        "disposition": answer.disposition.value,
        "body_length": len(answer.body),
        "body_sha256": hashlib.sha256(answer.body.encode()).hexdigest(),
        "citations": citations.describe(answer),
    }


def _tell_authors(answers: list[Answer]) -> None:
    """One mail per author, whatever the number of their contributions answered at once."""
    by_address: dict[str, list[Answered]] = {}
    for answer in answers:
        contribution = answer.contribution
        author = contribution.author
        if author is not None and author.email:
            line = Answered(contribution, answer, contribution_link(contribution))
            by_address.setdefault(author.email, []).append(line)
    for address, answered in by_address.items():
        queue_mail(address, "contribution_answered", "contribution_answered", answered=answered)


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
