"""Every model of every domain, imported once so that the metadata and Alembic know all tables."""

from consultation.accounts.models import AccountToken, Profile, RecoveryCode, User
from consultation.contributions.models import (
    Attachment,
    Contribution,
    PublishedCount,
    SimilarityBand,
    SimilaritySignature,
    Theme,
)
from consultation.core.audit import AuditEvent
from consultation.core.outbox import OutboxMessage
from consultation.inbound_mail.models import InboundMessage, MailboxCursor
from consultation.moderation.models import (
    Answer,
    AnswerCitation,
    AnswerRevision,
    Redaction,
    Report,
)
from consultation.publication.models import Batch, Chapter, ChapterVersion, Consultation
from consultation.statistics.models import (
    AudienceDay,
    AudienceVisit,
    AudienceVisitor,
    ContributionTally,
    ExportJob,
)

__all__ = [
    "AccountToken",
    "Answer",
    "AnswerCitation",
    "AnswerRevision",
    "Attachment",
    "AudienceDay",
    "AudienceVisit",
    "AudienceVisitor",
    "AuditEvent",
    "Batch",
    "Chapter",
    "ChapterVersion",
    "Consultation",
    "Contribution",
    "ContributionTally",
    "ExportJob",
    "InboundMessage",
    "MailboxCursor",
    "OutboxMessage",
    "Profile",
    "PublishedCount",
    "RecoveryCode",
    "Redaction",
    "Report",
    "SimilarityBand",
    "SimilaritySignature",
    "Theme",
    "User",
]
