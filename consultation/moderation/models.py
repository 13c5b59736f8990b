"""Moderation records: official answers and their history, redactions, and readers' reports."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from consultation.accounts.models import User
from consultation.contributions.models import Contribution
from consultation.core.clock import now
from consultation.core.dates import UTCDateTime
from consultation.core.enums import enum_type
from consultation.extensions import db
from consultation.publication.models import ChapterVersion


class Disposition(enum.StrEnum):
    """What was done with the contribution, as the answer tells the public."""

    TAKEN_INTO_ACCOUNT = "taken"
    PARTLY_TAKEN = "partly_taken"
    NOT_RETAINED = "not_retained"
    OUT_OF_SCOPE = "out_of_scope"
    FOR_INFORMATION = "information"

    @property
    def label(self) -> str:
        labels = {"taken": "Prise en compte", "partly_taken": "Partiellement prise en compte",
                  "not_retained": "Non retenue", "out_of_scope": "Hors périmètre",
                  "information": "Pour information"}  # fmt: skip
        return labels[self.value]


class AnswerStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Answer(db.Model):
    """One per contribution (unique contribution_id): a draft until a moderator publishes it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), unique=True
    )
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Limited Markdown, rendered through the sanitiser when shown.
    body: Mapped[str] = mapped_column(Text)
    disposition: Mapped[Disposition] = mapped_column(enum_type(Disposition, "answer_disposition"))
    status: Mapped[AnswerStatus] = mapped_column(
        enum_type(AnswerStatus, "answer_status"), default=AnswerStatus.DRAFT
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    contribution: Mapped[Contribution] = relationship(
        # Loaded with every contribution in one extra query, so that lists of cards stay cheap.
        backref=backref("answer", uselist=False, lazy="selectin", passive_deletes=True)
    )
    moderator: Mapped[User | None] = relationship()
    revisions: Mapped[list[AnswerRevision]] = relationship(
        back_populates="answer", order_by="AnswerRevision.id", cascade="all, delete-orphan"
    )
    citations: Mapped[list[AnswerCitation]] = relationship(
        back_populates="answer",
        order_by="AnswerCitation.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    @property
    def is_published(self) -> bool:
        return self.status == AnswerStatus.PUBLISHED

    @property
    def edited_at(self) -> datetime | None:
        """When the published answer was last changed, or None if it never was (no query)."""
        if self.published_at is None or self.updated_at <= self.published_at:
            return None
        return self.updated_at


class AnswerRevision(db.Model):
    """A published version of an answer, kept when a moderator changes it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    disposition: Mapped[Disposition] = mapped_column(
        enum_type(Disposition, "answer_revision_disposition")
    )
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    answer: Mapped[Answer] = relationship(back_populates="revisions")
    edited_by: Mapped[User | None] = relationship()


class AnswerCitation(db.Model):
    """A section of the final text that an answer refers to ("see section 3.2 of the doctrine")."""

    __table_args__ = (
        # The differences view lists, for each section, the answers that cite it.
        Index("ix_answer_citation_section", "chapter_version_id", "section_anchor"),
    )

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    chapter_version_id: Mapped[int] = mapped_column(
        ForeignKey("chapter_version.id"), primary_key=True
    )
    section_anchor: Mapped[str] = mapped_column(String(80), primary_key=True)
    #: The section's title when cited, so the answer reads well even if the text changes again.
    section_title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)

    answer: Mapped[Answer] = relationship(back_populates="citations")
    # Loaded with the citations of a whole list of answers in one query: the public link needs
    # the chapter, which the session usually holds already.
    chapter_version: Mapped[ChapterVersion] = relationship(lazy="selectin")


class Redaction(db.Model):
    """Passages of a published text masked by a moderator; the text before is kept for staff."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: A charter reason code (usually personal or health data).
    reason: Mapped[str] = mapped_column(String(40))
    #: The passages masked, as they were written.
    passages: Mapped[list[str]] = mapped_column(JSON)
    #: The whole text just before this redaction: the first redaction keeps the original.
    body_before: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    contribution: Mapped[Contribution] = relationship(
        backref=backref("redactions", order_by="Redaction.id", passive_deletes=True)
    )
    moderator: Mapped[User | None] = relationship()


class Report(db.Model):
    """A reader's report that a published contribution breaks the charter."""

    __tablename__ = "contribution_report"
    __table_args__ = (
        # One report per reader and contribution: reporting twice changes nothing.
        UniqueConstraint("contribution_id", "reporter_key"),
        # The queue of reported contributions: open reports, oldest first.
        Index("ix_contribution_report_open", "resolved_at", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: HMAC of the account or, signed out, of the address: recognises a repeat, stores no address.
    reporter_key: Mapped[str] = mapped_column(String(64))
    #: A charter reason code.
    reason: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: What the moderator did: "kept" (nothing wrong), "hidden" or "redacted".
    resolution: Mapped[str | None] = mapped_column(String(20))

    contribution: Mapped[Contribution] = relationship()
