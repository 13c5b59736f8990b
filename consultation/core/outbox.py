"""The one way mail leaves the application: queued in the outbox table, sent by `flask outbox send`.

Queuing is part of the caller's transaction, so a mail exists exactly when what it announces was
committed; sending happens later with retries, so an SMTP outage loses nothing.
"""

from __future__ import annotations

import enum
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app, render_template
from sqlalchemy import Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from consultation.core.clock import now
from consultation.core.dates import UTCDateTime
from consultation.core.enums import enum_type
from consultation.extensions import db


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    #: Every attempt failed; kept for an operator to look at and requeue.
    FAILED = "failed"


class OutboxMessage(db.Model):
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    #: What the mail is about (e.g. "receipt"), for logs and tests; never personal data.
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempt_count: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


#: Delay before each new attempt; after the last one the message is marked failed.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)


def queue_mail(to_address: str, kind: str, template: str, **context: object) -> OutboxMessage:
    """Put a mail in the outbox, in the caller's transaction; `templates/emails/<template>.txt`.

    The template's first line is "Subject: …", then a blank line, then the body.
    """
    subject, body = _render(template, **context)
    message = OutboxMessage(to_address=to_address, kind=kind, subject=subject, body_text=body)
    db.session.add(message)
    db.session.flush()
    return message


def _render(template: str, **context: object) -> tuple[str, str]:
    text = render_template(f"emails/{template}.txt", **context)
    header, _, body = text.lstrip().partition("\n\n")
    if not header.startswith("Subject: "):
        raise ValueError(f"emails/{template}.txt must start with a 'Subject: ' line")
    return header.removeprefix("Subject: ").strip(), body.strip() + "\n"


def _claim_due(limit: int) -> list[OutboxMessage]:
    """Due messages, locked so that two senders running at once never send one twice."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now())
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer at a time anyway
    )
    return list(db.session.scalars(query))


def _as_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, message.to_address, message.subject
    email["Date"] = format_datetime(now())
    email["Message-ID"] = make_msgid(domain=sender.partition("@")[2] or None)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    return email


def _record_failure(message: OutboxMessage, error: Exception) -> None:
    message.attempt_count += 1
    message.last_error = f"{type(error).__name__}: {error}"[:1000]
    if message.attempt_count > len(RETRY_DELAYS):
        message.status = OutboxStatus.FAILED
    else:
        message.next_attempt_at = now() + RETRY_DELAYS[message.attempt_count - 1]


@dataclass
class SendReport:
    sent_count: int = 0
    failed_count: int = 0


def send_due(limit: int = 100) -> SendReport:
    """Send the due messages over SMTP; a failure schedules a retry. The caller commits."""
    report = SendReport()
    messages = _claim_due(limit)
    if not messages:
        return report
    config = current_app.config
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as error:
        for message in messages:
            _record_failure(message, error)
        report.failed_count = len(messages)
        return report
    with smtp:
        for message in messages:
            _send_one(smtp, message, config["MAIL_FROM"], report)
    return report


def _send_one(smtp: smtplib.SMTP, message: OutboxMessage, sender: str, report: SendReport) -> None:
    try:
        smtp.send_message(_as_email(message, sender))
    except (OSError, smtplib.SMTPException) as error:
        _record_failure(message, error)
        report.failed_count += 1
    else:
        message.status, message.sent_at = OutboxStatus.SENT, now()
        message.attempt_count += 1
        report.sent_count += 1


def _connect(config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    if config["MAIL_USE_TLS"]:
        smtp.starttls(context=ssl.create_default_context())
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp
