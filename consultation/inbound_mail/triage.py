"""Moderators triage mail: the queue, and a message published as contributions, refused or released.

Every change of state is a conditional UPDATE on the state the moderator saw, so two moderators
(or one double click) never triage the same message twice. Services flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, literal, select, tuple_, update
from sqlalchemy.orm import selectinload

from consultation.accounts.models import Profile, User, new_pseudonym
from consultation.contributions import services as contributions
from consultation.contributions.models import Attachment, Channel, Contribution, Status
from consultation.core import audit
from consultation.core.clock import now
from consultation.core.dates import UTCDateTime, format_date
from consultation.core.errors import Refused
from consultation.core.sanitize import render_plain_text
from consultation.extensions import db
from consultation.inbound_mail.models import InboundMessage, MessageState, RefusalReason
from consultation.publication.models import Chapter, Consultation

PAGE_SIZE = 50
MAX_EXCERPT_LENGTH = 50_000
ALREADY_TRIAGED = (
    "Ce courriel a déjà été traité (par un autre modérateur, ou par un double envoi du "
    "formulaire) : rien n’a été publié une seconde fois."
)


class TriageRefused(Refused):
    """A triage that cannot be done; message says why, in French."""


# The queue


@dataclass(frozen=True)
class QueueFilter:
    state: MessageState = MessageState.NEW
    #: A consultation's id; None for every consultation.
    consultation_id: int | None = None
    #: Only the messages that no consultation was found for.
    is_unassigned: bool = False

    def apply(self, query):
        if self.is_unassigned:
            return query.where(InboundMessage.consultation_id.is_(None))
        if self.consultation_id is not None:
            return query.where(InboundMessage.consultation_id == self.consultation_id)
        return query


@dataclass
class QueuePage:
    items: list[InboundMessage]
    next_cursor: str | None = None
    counts: dict[MessageState, int] = field(default_factory=dict)


def queue_page(filters: QueueFilter, after: str | None = None, size: int = PAGE_SIZE) -> QueuePage:
    """Messages in one state, oldest first: a keyset page on the (state, received_at, id) index."""
    query = filters.apply(select(InboundMessage).where(InboundMessage.state == filters.state))
    cursor = _decode_cursor(after)
    if cursor is not None:
        bound = tuple_(literal(cursor[0], UTCDateTime()), literal(cursor[1]))
        query = query.where(tuple_(InboundMessage.received_at, InboundMessage.id) > bound)
    query = query.order_by(InboundMessage.received_at, InboundMessage.id).limit(size + 1)
    rows = list(db.session.scalars(query.options(selectinload(InboundMessage.consultation))))
    items = rows[:size]
    next_cursor = _encode_cursor(items[-1]) if len(rows) > size else None
    return QueuePage(items, next_cursor, state_counts(filters))


def state_counts(filters: QueueFilter) -> dict[MessageState, int]:
    query = filters.apply(select(InboundMessage.state, func.count()).group_by(InboundMessage.state))
    counts = dict.fromkeys(MessageState, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


def _encode_cursor(message: InboundMessage) -> str:
    return f"{message.received_at.isoformat()}~{message.id}"


def _decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    moment, _, identifier = (cursor or "").partition("~")
    try:
        moment_at, number = datetime.fromisoformat(moment), int(identifier)
    except ValueError:
        return None
    return (moment_at, number) if moment_at.tzinfo is not None else None


# One message


def attachments_of(message: InboundMessage) -> list[Attachment]:
    query = select(Attachment).where(Attachment.inbound_message_id == message.id)
    return list(db.session.scalars(query.order_by(Attachment.id)))


def contributions_from(message: InboundMessage) -> list[Contribution]:
    query = select(Contribution).where(Contribution.source_message_id == message.id)
    return list(db.session.scalars(query.order_by(Contribution.id)))


def matching_account(message: InboundMessage) -> User | None:
    """The account whose confirmed address is the sender's, if there is one."""
    if not message.sender_address:
        return None
    query = select(User).where(
        User.email == User.normalise_email(message.sender_address),
        User.email_confirmed_at.is_not(None),
        User.anonymised_at.is_(None),
    )
    return db.session.scalar(query)


def default_author_label(organisation: str | None, account: User | None) -> str:
    """The organisation, else a pseudonym: a sender never consented to their name being shown."""
    if organisation:
        return organisation
    return account.pseudonym if account is not None else new_pseudonym()


def publishable_chapters(consultation: Consultation) -> list[Chapter]:
    query = select(Chapter).where(
        Chapter.consultation_id == consultation.id, Chapter.is_published(now())
    )
    return list(db.session.scalars(query.order_by(Chapter.number)))


# Publishing


@dataclass(frozen=True)
class Excerpt:
    chapter: Chapter
    section_anchor: str | None
    body: str
    attachment_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Publication:
    consultation: Consultation
    profile: Profile
    organisation: str | None
    author_label: str
    excerpts: tuple[Excerpt, ...]


def publish_message(
    message: InboundMessage, moderator: User, publication: Publication
) -> list[Contribution]:
    """One published email contribution per excerpt; raise TriageRefused if it cannot be done."""
    _check(message, publication)
    before = audit.snapshot(message, *TRIAGE_FIELDS)
    _claim(message, (MessageState.NEW,), MessageState.PUBLISHED, moderator)
    message.consultation = publication.consultation
    author = matching_account(message)
    attachments = {attachment.id: attachment for attachment in attachments_of(message)}
    created = [
        _publish_excerpt(message, publication, excerpt, author, attachments)
        for excerpt in publication.excerpts
    ]
    after = audit.snapshot(message, *TRIAGE_FIELDS)
    after["contributions"] = [contribution.reference for contribution in created]
    audit.record("mail.publish", message, before=before, after=after, label=mail_label(message))
    return created


#: What the trail keeps of a message before and after its triage.
TRIAGE_FIELDS = ("state", "consultation.title")


def mail_label(message: InboundMessage) -> str:
    """How the audit trail names a message: its number and subject."""
    return f"Courriel n° {message.id} : {message.subject or '(sans objet)'}"


def _check(message: InboundMessage, publication: Publication) -> None:
    if message.state != MessageState.NEW:
        raise TriageRefused(ALREADY_TRIAGED)
    if not publication.excerpts:
        raise TriageRefused("Ajoutez au moins un extrait à publier.")
    for number, excerpt in enumerate(publication.excerpts, start=1):
        problem = _excerpt_problem(publication.consultation, excerpt)
        if problem:
            raise TriageRefused(f"Extrait n° {number} : {problem}")


def _excerpt_problem(consultation: Consultation, excerpt: Excerpt) -> str | None:
    chapter = excerpt.chapter
    if chapter.consultation_id != consultation.id or not chapter.is_published(now()):
        return "ce chapitre n’est pas un chapitre publié de la consultation choisie."
    anchors = {section.anchor for section in chapter.consultation_version.sections}
    if excerpt.section_anchor and excerpt.section_anchor not in anchors:
        return "cette section n’existe pas dans le chapitre."
    if not excerpt.body.strip():
        return "le texte de l’extrait est vide."
    if len(excerpt.body) > MAX_EXCERPT_LENGTH:
        return f"le texte dépasse {MAX_EXCERPT_LENGTH:,} caractères.".replace(",", "\u202f")
    return None


def _publish_excerpt(
    message: InboundMessage,
    publication: Publication,
    excerpt: Excerpt,
    author: User | None,
    attachments: dict[int, Attachment],
) -> Contribution:
    contribution = _new_contribution(message, publication, excerpt, author)
    db.session.add(contribution)
    db.session.flush()
    contributions.change_status(contribution, Status.PUBLISHED)
    for attachment_id in excerpt.attachment_ids:
        attachments[attachment_id].contribution_id = contribution.id
        attachments[attachment_id].is_public = True
    db.session.flush()
    return contribution


def _new_contribution(
    message: InboundMessage, publication: Publication, excerpt: Excerpt, author: User | None
) -> Contribution:
    chapter, body = excerpt.chapter, excerpt.body.strip()
    sections = {section.anchor: section.title for section in chapter.consultation_version.sections}
    return Contribution(
        reference=contributions.next_reference(publication.consultation),
        consultation=publication.consultation,
        chapter=chapter,
        chapter_version=chapter.consultation_version,
        section_anchor=excerpt.section_anchor or None,
        section_title=sections.get(excerpt.section_anchor or ""),
        author=author,
        channel=Channel.EMAIL,
        profile=publication.profile,
        organisation=publication.organisation or None,
        author_label=publication.author_label,
        body=body,
        body_html=str(render_plain_text(body)),
        status=Status.PENDING,
        submitted_at=message.sent_at or message.received_at,
        source_message=message,
    )


# Refusing and releasing


def refuse_message(
    message: InboundMessage, moderator: User, reason: RefusalReason, comment: str | None
) -> None:
    """Refuse a new or quarantined message with its reason; OTHER needs a comment."""
    if reason == RefusalReason.OTHER and not (comment or "").strip():
        raise TriageRefused("Précisez le motif du refus dans le commentaire.")
    fields = ("state", "refusal_reason", "state_comment")
    before = audit.snapshot(message, *fields)
    _claim(message, (MessageState.NEW, MessageState.QUARANTINED), MessageState.REFUSED, moderator)
    message.refusal_reason = reason
    message.state_comment = (comment or "").strip() or None
    db.session.flush()
    after = audit.snapshot(message, *fields)
    audit.record_change("mail.refuse", message, before, after, label=mail_label(message))


def release_message(message: InboundMessage, moderator: User) -> None:
    """Put a quarantined message back in the queue once a moderator has inspected it."""
    reason = message.state_comment or "motif non précisé"
    before = audit.snapshot(message, "state")
    _claim(message, (MessageState.QUARANTINED,), MessageState.NEW, None)
    after = audit.snapshot(message, "state")
    audit.record_change("mail.release", message, before, after, label=mail_label(message))
    message.state_comment = (
        f"Sorti de quarantaine par {moderator.display_name} le {format_date(now(), True)} "
        f"(motif de la quarantaine : {reason})."
    )
    db.session.flush()


def _claim(
    message: InboundMessage,
    expected: tuple[MessageState, ...],
    state: MessageState,
    moderator: User | None,
) -> None:
    """Move the message to its new state only if it is still in a state the moderator saw.

    On PostgreSQL a second transaction waits for the first, then finds the state changed.
    """
    statement = (
        update(InboundMessage)
        .where(InboundMessage.id == message.id, InboundMessage.state.in_(expected))
        .values(
            state=state,
            triaged_by_id=moderator.id if moderator else None,
            triaged_at=now() if moderator else None,
        )
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(statement).rowcount != 1:
        db.session.expire(message)
        raise TriageRefused(ALREADY_TRIAGED)
    db.session.expire(message, ["state", "triaged_by", "triaged_by_id", "triaged_at"])
