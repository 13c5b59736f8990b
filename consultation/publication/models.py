"""Consultations are published chapter by chapter, in batches that open on scheduled dates."""

from __future__ import annotations

import enum
from datetime import datetime
from functools import cached_property

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consultation.core.clock import now
from consultation.core.dates import UTCDateTime
from consultation.core.enums import enum_type
from consultation.extensions import db
from consultation.publication.sections import Section, sections_of


class ModerationMode(enum.StrEnum):
    #: Contributions wait for a moderator before being shown.
    A_PRIORI = "a_priori"
    #: Contributions are shown at once; moderators can hide them afterwards.
    A_POSTERIORI = "a_posteriori"

    @property
    def label(self) -> str:
        return {"a_priori": "A priori", "a_posteriori": "A posteriori"}[self.value]


class ConsultationStatus(enum.StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"upcoming": "À venir", "open": "Ouverte", "closed": "Close"}[self.value]


class Consultation(db.Model):
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="closes_after_opening"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Presentation shown on the consultation page, in Markdown.
    summary: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    moderation_mode: Mapped[ModerationMode] = mapped_column(
        enum_type(ModerationMode, "moderation_mode"), default=ModerationMode.A_PRIORI
    )
    #: Start of the public references of contributions, e.g. "DNS2026" for DNS2026-0042.
    reference_prefix: Mapped[str] = mapped_column(String(20), unique=True)
    #: Last contribution number given; incremented in the database so two workers never share one.
    last_reference_number: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    batches: Mapped[list[Batch]] = relationship(
        back_populates="consultation", order_by="Batch.number", cascade="all, delete-orphan"
    )
    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="consultation", order_by="Chapter.number", cascade="all, delete-orphan"
    )

    @hybrid_method
    def is_open(self, at: datetime) -> bool:
        return (self.opens_at <= at) & (self.closes_at > at)

    def status(self, at: datetime) -> ConsultationStatus:
        if at < self.opens_at:
            return ConsultationStatus.UPCOMING
        if at < self.closes_at:
            return ConsultationStatus.OPEN
        return ConsultationStatus.CLOSED

    def published_batches(self, at: datetime) -> list[Batch]:
        return [batch for batch in self.batches if batch.is_published(at)]

    def upcoming_batches(self, at: datetime) -> list[Batch]:
        return [batch for batch in self.batches if not batch.is_published(at)]


class Batch(db.Model):
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    #: From this moment on, the chapters of the batch are public.
    publish_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: When subscribers were told of the batch; set once, by the process that sends the news.
    news_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    consultation: Mapped[Consultation] = relationship(back_populates="batches")
    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="batch", order_by="Chapter.number"
    )

    @hybrid_method
    def is_published(self, at: datetime) -> bool:
        return self.publish_at <= at


class Chapter(db.Model):
    __table_args__ = (
        UniqueConstraint("consultation_id", "number"),
        UniqueConstraint("consultation_id", "slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int]
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))

    consultation: Mapped[Consultation] = relationship(back_populates="chapters")
    batch: Mapped[Batch] = relationship(back_populates="chapters")
    versions: Mapped[list[ChapterVersion]] = relationship(
        back_populates="chapter", order_by="ChapterVersion.position", cascade="all, delete-orphan"
    )

    @hybrid_method
    def is_published(self, at: datetime) -> bool:
        return self.batch.is_published(at)

    @is_published.expression
    def is_published(cls, at: datetime):  # noqa: N805 - SQL side of the hybrid
        return cls.batch_id.in_(select(Batch.id).where(Batch.is_published(at)))

    @property
    def consultation_version(self) -> ChapterVersion:
        """The version put to consultation: the first one, reference of every contribution."""
        return self.versions[0]

    @property
    def latest_version(self) -> ChapterVersion:
        return self.versions[-1]


class ChapterVersion(db.Model):
    __table_args__ = (
        UniqueConstraint("chapter_id", "position"),
        UniqueConstraint("chapter_id", "label"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapter.id", ondelete="CASCADE"))
    #: 1 for the version put to consultation, then 2, 3… for the revised texts.
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(80))
    #: The chapter text in Markdown, without its title; its headings are the sections.
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    chapter: Mapped[Chapter] = relationship(back_populates="versions")

    @cached_property
    def sections(self) -> list[Section]:
        return sections_of(self.body)
