"""What the figures read instead of counting rows on every view, visitor counts, export jobs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consultation.accounts.models import User
from consultation.core.clock import now
from consultation.core.dates import UTCDateTime
from consultation.extensions import db
from consultation.publication.models import Consultation


class ContributionTally(db.Model):
    """How many contributions share one value of every dimension the figures are cut by.

    Kept up to date in the transaction that changes a contribution or its answer, so that the
    statistics page and the counts of the queue sum a few hundred rows instead of counting a
    million. Two transactions may add the same combination at once: readers always sum, so a
    duplicate row changes nothing.
    """

    __tablename__ = "contribution_tally"
    __table_args__ = (Index("ix_contribution_tally_key", "consultation_id", "chapter_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapter.id", ondelete="CASCADE"))
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("profile.id"))
    #: Values of Channel, Status and Disposition (None: no published answer).
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    disposition: Mapped[str | None] = mapped_column(String(20))
    #: Monday of the week of submission, in Paris time.
    week: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(default=0)


class AudienceVisitor(db.Model):
    """A visitor seen on a consultation: a keyed hash of a first-party cookie, never an address.

    Raw data, deleted 25 months after its first day; `AudienceDay` keeps the counts.
    """

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    visitor_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_day: Mapped[date] = mapped_column(Date, index=True)


class AudienceVisit(db.Model):
    """A visitor's presence on a consultation one day (raw data, deleted after 25 months)."""

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    visitor_key: Mapped[str] = mapped_column(String(64), primary_key=True)


class AudienceDay(db.Model):
    """Anonymous counts of one consultation's audience on one day, kept as long as its figures."""

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    #: Visitors seen that day, those seen for the first time on the consultation, pages read.
    visitors: Mapped[int] = mapped_column(default=0)
    new_visitors: Mapped[int] = mapped_column(default=0)
    page_views: Mapped[int] = mapped_column(default=0)


class ExportJob(db.Model):
    """A workbook generated in the background, then kept in the exports folder for a while."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, unguessable: names the file and the download address.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="workbook")
    #: queued, running, done, failed or expired.
    status: Mapped[str] = mapped_column(String(20), default="queued")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None]
    file_name: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    consultation: Mapped[Consultation] = relationship()
    requested_by: Mapped[User | None] = relationship()
