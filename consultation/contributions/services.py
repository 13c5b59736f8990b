"""Submitting a contribution and changing its state. Services flush; the caller commits."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from consultation.accounts.models import User
from consultation.contributions import storage
from consultation.contributions.attachments import AttachmentRefused, Upload, check_uploads
from consultation.contributions.models import (
    Attachment,
    Channel,
    Contribution,
    PublishedCount,
    Status,
)
from consultation.core import audit
from consultation.core.clock import now
from consultation.core.dates import format_date
from consultation.core.errors import Refused
from consultation.core.links import site_url
from consultation.core.outbox import queue_mail
from consultation.core.sanitize import render_plain_text
from consultation.extensions import db
from consultation.publication.models import (
    Chapter,
    Consultation,
    ConsultationStatus,
    ModerationMode,
)
from consultation.statistics import tally

MIN_LENGTH, MAX_LENGTH = 10, 10_000
ALREADY_HANDLED = (
    "Cette contribution vient d’être traitée par quelqu’un d’autre : rechargez la page."
)


class ContributionRefused(Refused):
    """A contribution that cannot be recorded; message says why, in French."""


class DuplicateSubmission(ContributionRefused):
    """The same form was sent twice: the contribution recorded the first time is given back."""

    def __init__(self, contribution: Contribution) -> None:
        super().__init__(
            f"Votre contribution {contribution.reference} est déjà enregistrée : "
            "elle n’a pas été enregistrée une seconde fois."
        )
        self.contribution = contribution


def contribution_problem(author: User, chapter: Chapter) -> str | None:
    """Why this person cannot contribute on this chapter now, or None when they can."""
    at = now()
    if chapter.consultation.status(at) == ConsultationStatus.CLOSED:
        closed_at = format_date(chapter.consultation.closes_at, with_time=True)
        return (
            f"La concertation est close depuis le {closed_at} : "
            "les contributions ne sont plus acceptées."
        )
    if not chapter.consultation.is_open(at):
        return "La concertation n’est pas ouverte : les contributions ne sont pas acceptées."
    if not chapter.is_published(at):
        return "Ce chapitre n’est pas publié : il ne peut pas recevoir de contribution."
    if not author.is_enabled or author.anonymised_at is not None:
        return "Votre compte est désactivé : il ne peut pas contribuer."
    if not author.is_confirmed:
        return "Confirmez votre adresse électronique avant de contribuer."
    return None


def body_problem(body: str) -> str | None:
    length = len(body.strip())
    if length < MIN_LENGTH:
        return f"Votre contribution doit compter au moins {MIN_LENGTH} caractères."
    if length > MAX_LENGTH:
        return (
            f"Votre contribution doit compter au plus {MAX_LENGTH:,} caractères "
            f"({length:,} saisis).".replace(",", "\u202f")
        )
    return None


def submit_contribution(
    author: User,
    chapter: Chapter,
    body: str,
    section_anchor: str | None,
    submission_key: str,
    files: list[Upload] = (),  # type: ignore[assignment]
) -> Contribution:
    """Record a contribution and queue its receipt; raise ContributionRefused (or its
    DuplicateSubmission) with the reason. Files are written only once the row is flushed."""
    existing = _find_submission(author, submission_key)
    if existing is not None:
        raise DuplicateSubmission(existing)
    section_title = _check_request(author, chapter, body, section_anchor)
    try:
        checked = check_uploads(list(files))
    except AttachmentRefused as refusal:
        raise ContributionRefused(refusal.message) from refusal
    contribution = _new_contribution(author, chapter, body.strip(), section_anchor, section_title)
    contribution.submission_key = submission_key
    attachments = [_attachment_for(file) for file in checked]
    contribution.attachments = attachments
    _insert_once(contribution, author, submission_key)
    if chapter.consultation.moderation_mode == ModerationMode.A_POSTERIORI:
        change_status(contribution, Status.PUBLISHED)
    for attachment, file in zip(attachments, checked, strict=True):
        storage.write(attachment.storage_key, file.data)
    _queue_receipt(contribution)
    return contribution


def _check_request(author: User, chapter: Chapter, body: str, anchor: str | None) -> str | None:
    """The title of the section, once every rule is checked."""
    problem = contribution_problem(author, chapter) or body_problem(body)
    if problem:
        raise ContributionRefused(problem)
    if not anchor:
        return None
    sections = {section.anchor: section.title for section in chapter.consultation_version.sections}
    if anchor not in sections:
        raise ContributionRefused(
            "La section choisie n’existe pas dans ce chapitre : choisissez-en une autre."
        )
    return sections[anchor]


def _find_submission(author: User, submission_key: str) -> Contribution | None:
    query = select(Contribution).where(
        Contribution.author_id == author.id, Contribution.submission_key == submission_key
    )
    return db.session.scalar(query)


def _new_contribution(
    author: User, chapter: Chapter, body: str, anchor: str | None, section_title: str | None
) -> Contribution:
    consultation = chapter.consultation
    return Contribution(
        consultation=consultation,
        chapter=chapter,
        chapter_version=chapter.consultation_version,
        section_anchor=anchor,
        section_title=section_title,
        author=author,
        profile_id=author.profile_id,
        organisation=author.organisation,
        author_label=author.public_name,
        body=body,
        body_html=str(render_plain_text(body)),
        status=Status.PENDING,
        submitted_at=now(),
    )


def _insert_once(contribution: Contribution, author: User, submission_key: str) -> None:
    """Insert in a savepoint: when a simultaneous request won the race, give its row back."""
    try:
        with db.session.begin_nested():
            contribution.reference = next_reference(contribution.consultation)
            db.session.add(contribution)
            db.session.flush()
    except IntegrityError:
        existing = _find_submission(author, submission_key)
        if existing is None:
            raise
        raise DuplicateSubmission(existing) from None


def next_reference(consultation: Consultation) -> str:
    """The next public reference, numbered in one SQL statement so two workers never share one."""
    table = Consultation.__table__
    statement = (
        update(table)
        .where(table.c.id == consultation.id)
        .values(last_reference_number=table.c.last_reference_number + 1)
        .returning(table.c.last_reference_number)
    )
    number = db.session.execute(statement).scalar_one()
    db.session.expire(consultation, ["last_reference_number"])
    return f"{consultation.reference_prefix}-{number:04d}"


def _attachment_for(file) -> Attachment:
    return Attachment(
        filename=file.filename,
        content_type=file.content_type,
        size=len(file.data),
        sha256=storage.sha256_of(file.data),
        storage_key=storage.new_key(),
        is_public=True,
    )


def contribution_link(contribution: Contribution) -> str:
    return site_url("contributions.show", reference=contribution.reference)


def _queue_receipt(contribution: Contribution) -> None:
    author = contribution.author
    if author is None or not author.email:
        return
    queue_mail(
        author.email,
        "contribution_receipt",
        "contribution_receipt",
        contribution=contribution,
        link=contribution_link(contribution),
    )


def change_status(contribution: Contribution, status: Status, reason: str | None = None) -> None:
    """The one way to move a contribution between states; keeps the published counts exact.

    The change is conditional on the state it was read in, so two moderators acting at once
    cannot both apply it: the second gets ContributionRefused.
    """
    old = contribution.status
    published_at = contribution.published_at
    if status == Status.PUBLISHED and published_at is None:
        published_at = now()
    statement = (
        update(Contribution)
        .where(Contribution.id == contribution.id, Contribution.status == old)
        .values(status=status, status_reason=reason, published_at=published_at)
        .execution_options(synchronize_session=False)
    )
    with tally.track_contributions([contribution.id]):  # the UPDATE bypasses the flush
        if db.session.execute(statement).rowcount != 1:
            raise ContributionRefused(ALREADY_HANDLED)
    for name, value in (
        ("status", status),
        ("status_reason", reason),
        ("published_at", published_at),
    ):
        set_committed_value(contribution, name, value)
    delta = int(status == Status.PUBLISHED) - int(old == Status.PUBLISHED)
    if delta:
        adjust_published_count(contribution.chapter_id, contribution.section_anchor, delta)


def adjust_published_count(chapter_id: int, section_anchor: str | None, delta: int) -> None:
    """Add delta to the published count of a section, creating its row the first time."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    key = {"chapter_id": chapter_id, "section_anchor": section_anchor or ""}
    statement = (
        insert(PublishedCount)
        .values(**key, published_count=max(delta, 0))
        .on_conflict_do_update(
            index_elements=list(key),
            set_={"published_count": PublishedCount.published_count + delta},
        )
    )
    db.session.execute(statement)


def publish(contribution: Contribution) -> None:
    """A moderator publishes a pending contribution; its author is told by mail."""
    if contribution.status == Status.PUBLISHED:
        return
    before = audit.snapshot(contribution, "status")
    change_status(contribution, Status.PUBLISHED)
    audit.record_change(
        "contribution.publish", contribution, before, audit.snapshot(contribution, "status")
    )
    author = contribution.author
    if author is not None and author.email:
        queue_mail(
            author.email,
            "contribution_published",
            "contribution_published",
            contribution=contribution,
            link=contribution_link(contribution),
        )


def relabel_author(user: User) -> None:
    """Show every contribution of the user under their current public name (consent, deletion)."""
    statement = (
        update(Contribution)
        # Mail contributions keep the label the moderator chose: the sender never consented to more.
        .where(Contribution.author_id == user.id, Contribution.channel == Channel.WEB)
        .values(author_label=user.public_name)
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(statement)


def list_by_author(user: User) -> list[Contribution]:
    """Every contribution of the user, newest first, whatever its status."""
    query = (
        select(Contribution)
        .where(Contribution.author_id == user.id)
        .order_by(Contribution.submitted_at.desc(), Contribution.id.desc())
        .options(selectinload(Contribution.attachments), selectinload(Contribution.chapter))
    )
    return list(db.session.scalars(query))


def recount_published() -> None:
    """Rebuild every published count from the contributions (after a bulk load or a repair)."""
    db.session.execute(delete(PublishedCount))
    anchor = func.coalesce(Contribution.section_anchor, "")
    counts = (
        select(Contribution.chapter_id, anchor, func.count())
        .where(Contribution.status == Status.PUBLISHED)
        .group_by(Contribution.chapter_id, anchor)
    )
    columns = ["chapter_id", "section_anchor", "published_count"]
    db.session.execute(insert(PublishedCount).from_select(columns, counts))
