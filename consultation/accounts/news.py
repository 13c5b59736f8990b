"""News to subscribers: each published batch is announced once, with a link to unsubscribe.

Services flush and never commit; `flask news send` commits once per batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from consultation.accounts.models import User
from consultation.core.clock import now
from consultation.core.links import site_url
from consultation.core.outbox import queue_mail
from consultation.extensions import db
from consultation.publication.models import Batch, Consultation

UNSUBSCRIBE_SALT = "news-unsubscribe"


@dataclass
class Announcement:
    batch: Batch
    recipient_count: int


def due_batches() -> list[Batch]:
    """Published batches not yet announced, of consultations already open (or closed since)."""
    moment = now()
    query = (
        select(Batch)
        .join(Consultation)
        .where(Batch.publish_at <= moment, Batch.news_sent_at.is_(None))
        .where(Consultation.opens_at <= moment)
        .order_by(Batch.publish_at, Batch.id)
    )
    return list(db.session.scalars(query))


def claim(batch: Batch) -> bool:
    """Mark the batch as announced, only if nobody did: two senders never announce it twice."""
    result = db.session.execute(
        update(Batch)
        .where(Batch.id == batch.id, Batch.news_sent_at.is_(None))
        .values(news_sent_at=now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def subscribers() -> list[User]:
    query = select(User).where(
        User.news_opt_in.is_(True),
        User.email_confirmed_at.is_not(None),
        User.email.is_not(None),
        User.anonymised_at.is_(None),
        User.is_enabled.is_(True),
    )
    return list(db.session.scalars(query.order_by(User.id)))


def announce(batch: Batch) -> Announcement | None:
    """Queue one mail per subscriber for the batch, or None if another process claimed it."""
    if not claim(batch):
        return None
    chapters = [
        (
            chapter,
            site_url("publication.chapter", slug=batch.consultation.slug, number=chapter.number),
        )
        for chapter in batch.chapters
    ]
    recipients = subscribers()
    for user in recipients:
        queue_mail(
            user.email,
            "news_batch_published",
            "news_batch_published",
            batch=batch,
            chapters=chapters,
            unsubscribe_link=site_url("news.unsubscribe", token=unsubscribe_token(user)),
        )
    return Announcement(batch, len(recipients))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user: User) -> str:
    return _serializer().dumps(user.id)


def user_from_token(token: str) -> User | None:
    """The account a link was made for, or None when the token was altered."""
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def unsubscribe(user: User) -> None:
    user.news_opt_in = False
