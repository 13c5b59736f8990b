"""A message received by the consultation's mailbox, kept whole as evidence, and its fate."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consultation.accounts.models import User
from consultation.core.clock import now
from consultation.core.dates import UTCDateTime
from consultation.core.enums import enum_type
from consultation.extensions import db
from consultation.publication.models import Consultation


class MessageState(enum.StrEnum):
    """Every message is in exactly one state; received = new + published + refused + quarantined."""

    NEW = "new"
    PUBLISHED = "published"
    REFUSED = "refused"
    QUARANTINED = "quarantined"

    @property
    def label(self) -> str:
        labels = {
            "new": "À trier",
            "published": "Publié",
            "refused": "Refusé",
            "quarantined": "En quarantaine",
        }
        return labels[self.value]


class RefusalReason(enum.StrEnum):
    SPAM = "spam"
    OFF_TOPIC = "off_topic"
    DUPLICATE = "duplicate"
    OUT_OF_PERIOD = "out_of_period"
    OTHER = "other"

    @property
    def label(self) -> str:
        labels = {
            "spam": "Indésirable (spam ou publicité)",
            "off_topic": "Hors sujet",
            "duplicate": "Doublon",
            "out_of_period": "Hors de la période de concertation",
            "other": "Autre motif",
        }
        return labels[self.value]


class InboundMessage(db.Model):
    __table_args__ = (Index("ix_inbound_message_queue", "state", "received_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What makes a message the same message: its Message-ID, or "sha256:<hash of its bytes>".
    message_key: Mapped[str] = mapped_column(String(300), unique=True)
    #: The message exactly as received, kept as evidence; loaded only when asked for.
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    raw_sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    #: Where it came from: "imap:INBOX", "maildir:/path", "mbox:/path", "eml:/path".
    source: Mapped[str] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    #: When parsing was done; None means stored but not parsed yet (a crash in between).
    parsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The Date header, when it could be read.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sender_address: Mapped[str | None] = mapped_column(String(254), index=True)
    sender_name: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(Text)
    #: The readable text: the plain part, or the HTML part turned into text by the sanitiser.
    body_text: Mapped[str | None] = mapped_column(Text)
    #: What the parser found wrong (defects, refused attachments), in French, for moderators.
    defects: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[MessageState] = mapped_column(
        enum_type(MessageState, "message_state"), default=MessageState.NEW
    )
    refusal_reason: Mapped[RefusalReason | None] = mapped_column(
        enum_type(RefusalReason, "refusal_reason")
    )
    #: Why it was refused (moderator's comment) or quarantined (parser's reason).
    state_comment: Mapped[str | None] = mapped_column(Text)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id"), index=True)
    #: Received before the opening or after the closing of its consultation: kept and flagged.
    is_out_of_period: Mapped[bool] = mapped_column(default=False)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Why no acknowledgement was sent (auto-reply, mailing list, bounce, already answered…).
    acknowledgement_skipped: Mapped[str | None] = mapped_column(String(200))
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    consultation: Mapped[Consultation | None] = relationship()
    triaged_by: Mapped[User | None] = relationship()


class MailboxCursor(db.Model):
    """How far `flask mail fetch` has read an IMAP folder (RFC 3501 UIDs under one UIDVALIDITY)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "user@host:port/folder"
    mailbox: Mapped[str] = mapped_column(String(300), unique=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)
