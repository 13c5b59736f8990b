"""A contribution on a chapter or one of its sections, and the files that come with it."""

from __future__ import annotations

import enum
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consultation.accounts.models import Profile, User
from consultation.core.clock import now
from consultation.core.dates import UTCDateTime
from consultation.core.enums import enum_type
from consultation.core.sanitize import render_plain_text
from consultation.extensions import db
from consultation.inbound_mail.models import InboundMessage
from consultation.publication.models import Chapter, ChapterVersion, Consultation


class Channel(enum.StrEnum):
    WEB = "web"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return {"web": "En ligne", "email": "Reçue par courriel"}[self.value]


class Status(enum.StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    HIDDEN = "hidden"

    @property
    def label(self) -> str:
        labels = {"pending": "En attente de modération", "published": "Publiée",
                  "rejected": "Refusée", "hidden": "Masquée"}  # fmt: skip
        return labels[self.value]


class Contribution(db.Model):
    __table_args__ = (
        UniqueConstraint("author_id", "submission_key"),
        # The chapter page lists published contributions newest first, by section: keyset order.
        Index("ix_contribution_reading", "chapter_id", "status", "published_at", "id"),
        # The moderation queue lists one status oldest first: keyset order.
        Index("ix_contribution_queue", "status", "submitted_at", "id"),
        Index(
            "ix_contribution_consultation_queue",
            "consultation_id",
            "status",
            "submitted_at",
            "id",
        ),
        # French full-text search of the moderation queue on PostgreSQL (SQLite has its FTS5
        # table, see `search_document`), and the trigrams that find part of a name in it.
        Index("ix_contribution_search", "search_document", postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
        Index(
            "ix_contribution_people_search",
            "author_label",
            "organisation",
            postgresql_using="gin",
            postgresql_ops={"author_label": "gin_trgm_ops", "organisation": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_contribution_section",
            "chapter_id",
            "status",
            "section_anchor",
            "published_at",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public reference, e.g. DNS2026-0042, unique across consultations.
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapter.id"))
    #: The version the contribution was made on: the one put to consultation.
    chapter_version_id: Mapped[int] = mapped_column(ForeignKey("chapter_version.id"))
    #: Anchor of the section, or None for the whole chapter; its title as it was, for exports.
    section_anchor: Mapped[str | None] = mapped_column(String(80))
    section_title: Mapped[str | None] = mapped_column(String(300))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"), default=Channel.WEB)
    #: Profile and organisation of the author when contributing: later changes do not rewrite them.
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("profile.id"))
    organisation: Mapped[str | None] = mapped_column(String(200))
    #: Name or pseudonym shown publicly, following the author's consent (updated when it changes).
    author_label: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    #: The body as safe HTML (paragraphs, clickable links), rendered once when it is written.
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[Status] = mapped_column(enum_type(Status, "contribution_status"))
    status_reason: Mapped[str | None] = mapped_column(Text)
    #: Random key of the form that sent it: a form sent twice records one contribution.
    submission_key: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: For a contribution received by mail: the message it was taken from (shown to staff only).
    source_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_message.id"), index=True
    )
    #: The body as French lexemes, written by a trigger on PostgreSQL so that a search does not
    #: parse every body it checks. Empty on SQLite, whose triggers fill the FTS5 table
    #: `contribution_fts` instead (see `consultation.contributions.search`).
    search_document: Mapped[str | None] = mapped_column(
        TSVECTOR().with_variant(Text(), "sqlite"), deferred=True
    )
    #: Near-identical contributions share a group, named by the id of its first member (its own
    #: id for that one); None for a contribution that resembles no other.
    duplicate_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("contribution.id"), index=True
    )

    consultation: Mapped[Consultation] = relationship()
    chapter: Mapped[Chapter] = relationship()
    chapter_version: Mapped[ChapterVersion] = relationship()
    author: Mapped[User | None] = relationship()
    profile: Mapped[Profile | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="contribution", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    source_message: Mapped[InboundMessage | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        secondary="contribution_theme", order_by="Theme.name", back_populates="contributions"
    )

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def html(self) -> Markup:
        """The body as safe HTML; rendered now only for rows written before body_html existed."""
        if self.body_html is None:
            return render_plain_text(self.body)
        return Markup(self.body_html)  # noqa: S704 - written by the sanitiser at creation


class PublishedCount(db.Model):
    """How many contributions are published on a chapter section ("" for the whole chapter).

    Kept up to date by `services.change_status` in the same transaction as the change, so that
    pages read a handful of rows instead of counting a hundred thousand on every view.
    """

    __tablename__ = "contribution_count"

    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapter.id", ondelete="CASCADE"), primary_key=True
    )
    section_anchor: Mapped[str] = mapped_column(String(80), primary_key=True)
    published_count: Mapped[int] = mapped_column(default=0)


class Attachment(db.Model):
    """A file sent with a contribution, stored outside the static files under a random name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int | None] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    #: For a file that came with a mail: the message; it joins a contribution only if published.
    inbound_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_message.id"), index=True
    )
    #: The name the file had on the sender's computer, cleaned for display and download.
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: Random name of the file in the storage folder.
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: Whether the public may download it (email attachments wait for a moderator's decision).
    is_public: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    contribution: Mapped[Contribution | None] = relationship(back_populates="attachments")


contribution_theme = Table(
    "contribution_theme",
    db.metadata,
    Column(
        "contribution_id",
        ForeignKey("contribution.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Theme(db.Model):
    """A subject that moderators and analysts tag contributions with, per consultation."""

    __table_args__ = (UniqueConstraint("consultation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    consultation: Mapped[Consultation] = relationship()
    contributions: Mapped[list[Contribution]] = relationship(
        secondary="contribution_theme", back_populates="themes", viewonly=True
    )


class SimilaritySignature(db.Model):
    """The MinHash signature of a contribution's text, for grouping near-duplicates."""

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), primary_key=True
    )
    #: The minimum hashes, as little-endian unsigned 32-bit integers.
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class SimilarityBand(db.Model):
    """One band of a signature (locality-sensitive hashing): texts sharing a band are candidates."""

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), primary_key=True, index=True
    )
