"""Taking a message in: its raw bytes stored first, as evidence, then parsed and given its fate.

Storing and processing are two units of work, committed apart by the caller: a crash between
them leaves a message stored but not parsed (`parsed_at` None), which `process_pending()` takes
up. Every step is safe to run twice or from two processes at once: the unique message key makes
a second `store()` a no-op, and processing starts by claiming the message in one UPDATE.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, func, inspect, select, update
from sqlalchemy.exc import IntegrityError

from consultation.contributions import storage
from consultation.contributions.attachments import clean_filename
from consultation.contributions.models import Attachment
from consultation.core.clock import now
from consultation.core.links import site_url
from consultation.core.outbox import OutboxMessage, queue_mail
from consultation.extensions import db
from consultation.inbound_mail.models import InboundMessage, MessageState
from consultation.inbound_mail.parser import (
    MailAttachment,
    ParsedMail,
    ParseLimits,
    message_key,
    parse_message,
)
from consultation.publication.models import Consultation

ACKNOWLEDGEMENT_KIND = "mail_acknowledgement"
#: A sender gets at most one acknowledgement in this time, whatever they send (no mail loops).
ACKNOWLEDGEMENT_INTERVAL = timedelta(hours=24)
MAX_KEY_LENGTH = InboundMessage.message_key.property.columns[0].type.length
MAX_SOURCE_LENGTH = InboundMessage.source.property.columns[0].type.length
MAX_ADDRESS_LENGTH = InboundMessage.sender_address.property.columns[0].type.length
MAX_NAME_LENGTH = InboundMessage.sender_name.property.columns[0].type.length


def store(raw: bytes, source: str, received_at: datetime | None = None) -> InboundMessage | None:
    """Keep the message's bytes, not parsed yet; None when the same message is already stored.

    The insert runs in a savepoint: a concurrent store of the same message (this run, another run,
    another process) hits the unique key and leaves the caller's transaction usable.
    """
    message = InboundMessage(
        message_key=_key_of(raw),
        raw=raw,
        raw_sha256=storage.sha256_of(raw),
        size=len(raw),
        source=source[:MAX_SOURCE_LENGTH],
        received_at=received_at or now(),
        defects=[],
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def _key_of(raw: bytes) -> str:
    key = message_key(raw)
    if len(key) > MAX_KEY_LENGTH:
        # A Message-ID longer than the column: its hash still tells two copies apart.
        return "sha256:" + storage.sha256_of(key.encode("utf-8", "surrogateescape"))
    return key


def process(message: InboundMessage) -> bool:
    """Parse a stored message and decide its fate; False if it was already processed."""
    if not _claim(inspect(message).identity[0]):
        return False
    _fill(message)
    return True


def process_pending() -> int:
    """Process every message stored but not parsed yet (after a crash); how many were."""
    count = 0
    while (message_id := _claim_next()) is not None:
        _fill(db.session.get(InboundMessage, message_id))
        count += 1
    return count


def _claim(message_id: int) -> bool:
    """Mark the message as taken in one UPDATE: a second process finds nothing left to do.

    A write comes first in the transaction, so SQLite never has to upgrade a read lock.
    """
    table = InboundMessage.__table__
    claimed = db.session.execute(
        update(table)
        .where(table.c.id == message_id, table.c.parsed_at.is_(None))
        .values(parsed_at=now())
        .returning(table.c.id)
    ).scalar()
    return claimed is not None


def _claim_next() -> int | None:
    table = InboundMessage.__table__
    oldest = (
        select(table.c.id)
        .where(table.c.parsed_at.is_(None))
        .order_by(table.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    statement = (
        update(table)
        .where(table.c.id == oldest, table.c.parsed_at.is_(None))
        .values(parsed_at=now())
    )
    return db.session.execute(statement.returning(table.c.id)).scalar()


def _fill(message: InboundMessage) -> None:
    db.session.refresh(message)
    parsed = parse_message(message.raw, parse_limits())
    _copy_fields(message, parsed)
    _attach_files(message, parsed.attachments)
    _assign_consultation(message)
    quarantine_reason = parsed.quarantine_reason or _unstorable_sender(parsed)
    if quarantine_reason:
        message.state, message.state_comment = MessageState.QUARANTINED, quarantine_reason
    _acknowledge(message, parsed)
    db.session.flush()


def parse_limits() -> ParseLimits:
    config, defaults = current_app.config, ParseLimits()
    return ParseLimits(
        max_message_bytes=config.get("MAIL_MAX_MESSAGE_BYTES", defaults.max_message_bytes),
        max_attachment_bytes=config.get("MAIL_MAX_ATTACHMENT_BYTES", defaults.max_attachment_bytes),
    )


def _copy_fields(message: InboundMessage, parsed: ParsedMail) -> None:
    message.parsed_at = now()
    message.sent_at = parsed.sent_at
    message.sender_address = (parsed.sender_address or "")[:MAX_ADDRESS_LENGTH] or None
    message.sender_name = (parsed.sender_name or "")[:MAX_NAME_LENGTH] or None
    message.subject = parsed.subject
    message.body_text = parsed.body_text
    message.defects = [*parsed.defects, *parsed.refused_attachments]


def _unstorable_sender(parsed: ParsedMail) -> str | None:
    if parsed.sender_address and len(parsed.sender_address) > MAX_ADDRESS_LENGTH:
        return "Adresse de l’expéditeur trop longue pour être une adresse valide."
    return None


def _attach_files(message: InboundMessage, files: tuple[MailAttachment, ...]) -> None:
    """Files go to the storage folder, private: a moderator decides whether they are published."""
    for file in files:
        attachment = Attachment(
            inbound_message_id=message.id,
            filename=clean_filename(file.filename),
            content_type=file.content_type[:100],
            size=file.size,
            sha256=file.sha256,
            storage_key=storage.new_key(),
            is_public=False,
        )
        storage.write(attachment.storage_key, file.data)
        db.session.add(attachment)


def _assign_consultation(message: InboundMessage) -> None:
    """The consultation open when the mail arrived, else the last one opened before it.

    A mail received outside that consultation's dates is kept and flagged, never dropped.
    """
    at = message.received_at
    consultation = db.session.scalar(
        select(Consultation)
        .where(Consultation.opens_at <= at)
        .order_by(case((Consultation.is_open(at), 0), else_=1), Consultation.opens_at.desc())
        .limit(1)
    )
    message.consultation = consultation
    message.is_out_of_period = consultation is not None and not consultation.is_open(at)


def _acknowledge(message: InboundMessage, parsed: ParsedMail) -> None:
    """One automatic reply with the personal-data notice, unless it could start a mail loop."""
    reason = _no_acknowledgement_reason(message, parsed)
    if reason:
        message.acknowledgement_skipped = reason
        return
    queue_mail(
        message.sender_address,
        ACKNOWLEDGEMENT_KIND,
        "mail_acknowledgement",
        message=message,
        privacy_url=site_url("legal.page", name="donnees-personnelles"),
    )
    message.acknowledged_at = now()


def _no_acknowledgement_reason(message: InboundMessage, parsed: ParsedMail) -> str | None:
    checks = (
        (message.state == MessageState.QUARANTINED, "Message en quarantaine."),
        (not message.sender_address, "Adresse de l’expéditeur inconnue."),
        (parsed.is_bounce, "Avis de non-remise (rebond)."),
        (parsed.is_auto_submitted, "Réponse automatique (message envoyé par un automate)."),
        (parsed.is_mailing_list, "Message d’une liste de diffusion."),
    )
    for applies, reason in checks:
        if applies:
            return reason
    if message.sender_address.casefold() in own_addresses():
        return "Message venant de notre propre adresse."
    if _answered_recently(message.sender_address):
        return "Expéditeur déjà destinataire d’un accusé de réception depuis moins de 24 heures."
    return None


def own_addresses() -> set[str]:
    config = current_app.config
    keys = ("CONSULTATION_ADDRESS", "MAIL_FROM", "IMAP_USER")
    return {str(config[key]).casefold() for key in keys if config.get(key)}


def _answered_recently(address: str) -> bool:
    _one_sender_at_a_time(address)
    since = now() - ACKNOWLEDGEMENT_INTERVAL
    query = select(OutboxMessage.id).where(
        OutboxMessage.kind == ACKNOWLEDGEMENT_KIND,
        func.lower(OutboxMessage.to_address) == address.lower(),
        OutboxMessage.created_at >= since,
    )
    return db.session.scalar(query.limit(1)) is not None


def _one_sender_at_a_time(address: str) -> None:
    """Two processes taking mail from one sender at once would each find no earlier reply.

    On PostgreSQL a lock per address, held until commit, makes the second wait and see the
    first's reply; SQLite already lets one writer at a time, and processing starts with a write.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(address.lower()))))
