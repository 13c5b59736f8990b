"""The official answer to a contribution, and the history of its published versions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from consultation.accounts.models import User
from consultation.contributions.models import Contribution
from consultation.core.clock import now
from consultation.core.dates import UTCDateTime
from consultation.core.enums import enum_type
from consultation.extensions import db


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
