"""Every model of every domain, imported once so that the metadata and Alembic know all tables."""

from consultation.accounts.models import AccountToken, Profile, User
from consultation.contributions.models import Attachment, Contribution, PublishedCount
from consultation.core.outbox import OutboxMessage
from consultation.inbound_mail.models import InboundMessage, MailboxCursor
from consultation.moderation.models import Answer, AnswerRevision
from consultation.publication.models import Batch, Chapter, ChapterVersion, Consultation

__all__ = [
    "AccountToken",
    "Answer",
    "AnswerRevision",
    "Attachment",
    "Batch",
    "Chapter",
    "ChapterVersion",
    "Consultation",
    "Contribution",
    "InboundMessage",
    "MailboxCursor",
    "OutboxMessage",
    "Profile",
    "PublishedCount",
    "User",
]
