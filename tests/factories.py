"""Builders for test data: each test makes what it needs, with overrides for what matters."""

from __future__ import annotations

import base64
import hashlib
import itertools
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import pyotp
from sqlalchemy import select

from consultation.accounts.models import Profile, User
from consultation.core.clock import now
from consultation.core.roles import STAFF_ROLES, Role
from consultation.extensions import db
from consultation.publication.models import (
    Batch,
    Chapter,
    ChapterVersion,
    Consultation,
    ModerationMode,
)

PASSWORD = "une phrase de passe assez longue"
_sequence = itertools.count(1)

CHAPTER_BODY = """Ce chapitre présente les principes communs.

## 1. Principes

Les services partagent des référentiels communs.

### 1.1 Identification

Chaque usager est identifié de manière fiable.

## 2. Mise en œuvre

Les étapes sont décrites ci-dessous.
"""


def psycopg_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_consultation(
    opens_in: timedelta = timedelta(days=-1),
    closes_in: timedelta = timedelta(days=60),
    **overrides: object,
) -> Consultation:
    """A consultation, open by default (opened yesterday, closes in sixty days)."""
    number = next(_sequence)
    values = {
        "slug": f"consultation-{number}",
        "title": f"Consultation de test {number}",
        "summary": "Présentation de la consultation.",
        "opens_at": now() + opens_in,
        "closes_at": now() + closes_in,
        "moderation_mode": ModerationMode.A_PRIORI,
        "reference_prefix": f"TEST{number}",
    }
    values.update(overrides)
    consultation = Consultation(**values)
    db.session.add(consultation)
    db.session.flush()
    return consultation


def make_batch(
    consultation: Consultation | None = None,
    publish_in: timedelta = timedelta(hours=-1),
    **overrides: object,
) -> Batch:
    """A batch, already published by default (an hour ago)."""
    consultation = consultation or make_consultation()
    values = {
        "consultation": consultation,
        "number": len(consultation.batches) + 1,
        "title": f"Lot {len(consultation.batches) + 1}",
        "publish_at": now() + publish_in,
    }
    values.update(overrides)
    batch = Batch(**values)
    db.session.add(batch)
    db.session.flush()
    return batch


def make_chapter(
    batch: Batch | None = None,
    body: str = CHAPTER_BODY,
    publish_in: timedelta | None = None,
    **overrides: object,
) -> Chapter:
    """A published chapter with one version; publish_in puts it in a batch of that date."""
    if batch is None:
        batch = make_batch(publish_in=publish_in if publish_in is not None else timedelta(hours=-1))
    consultation = batch.consultation
    number = overrides.pop("number", len(consultation.chapters) + 1)
    values = {"number": number, "slug": f"chapitre-{number}", "title": f"Chapitre de test {number}"}
    values.update(overrides)
    chapter = Chapter(consultation=consultation, batch=batch, **values)
    chapter.versions.append(
        ChapterVersion(position=1, label="Version mise en concertation", body=body)
    )
    db.session.add(chapter)
    db.session.flush()
    return chapter


def profile(code: str) -> Profile:
    """One of the profiles the migrations seed (citoyen, industriel, etablissement…)."""
    return db.session.scalar(select(Profile).where(Profile.code == code))


def make_user(
    role: str | Role = Role.CONTRIBUTOR, password: str = PASSWORD, **overrides: object
) -> User:
    """A confirmed account; contributors are citizens unless a profile is given.

    Staff have an authenticator app enrolled (see staff_totp_secret) unless told otherwise.
    """
    number = next(_sequence)
    role = Role(role)
    values = {
        "email": f"personne{number}@exemple.fr",
        "display_name": f"Personne {number}",
        "email_confirmed_at": now(),
        "charter_accepted_at": now(),
        "profile": profile("citoyen") if role == Role.CONTRIBUTOR else None,
    }
    values.update(overrides)
    if role in STAFF_ROLES:
        values.setdefault("totp_secret", staff_totp_secret(values["email"]))
        values.setdefault("totp_confirmed_at", now())
    user = User(role=role, **values)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def staff_totp_secret(email: str) -> str:
    """The TOTP secret of a staff account built here, derived from its address.

    Browser tests know only the address of the person they sign in: this gives them the code.
    """
    return base64.b32encode(hashlib.sha256(email.encode()).digest()[:20]).decode()


def totp_code(email: str, steps_ahead: int = 0) -> str:
    """The code that this staff member's app shows at the application clock's time."""
    return pyotp.TOTP(staff_totp_secret(email)).at(now(), counter_offset=steps_ahead)


def make_contribution(chapter: Chapter | None = None, **overrides: object):
    """A published contribution on the whole chapter, by a new citizen, unless told otherwise."""
    from consultation.contributions.models import Contribution, Status
    from consultation.contributions.services import change_status, next_reference

    chapter = chapter or make_chapter()
    author = overrides.pop("author", None) or make_user()
    values = {
        "consultation": chapter.consultation,
        "chapter": chapter,
        "chapter_version": chapter.consultation_version,
        "author": author,
        "profile": author.profile,
        "organisation": author.organisation,
        "author_label": author.public_name,
        "body": "Une contribution de test, assez longue pour être acceptée.",
        "status": Status.PUBLISHED,
        "submitted_at": now(),
    }
    values.update(overrides)
    status, published_at = values.pop("status"), values.pop("published_at", None)
    reason = values.pop("status_reason", None)
    contribution = Contribution(reference=next_reference(chapter.consultation), **values)
    contribution.status = Status.PENDING
    db.session.add(contribution)
    db.session.flush()
    if status != Status.PENDING:
        # Through the service, so that the published counts stay exact.
        change_status(contribution, status, reason)
    if published_at is not None:
        contribution.published_at = published_at
        db.session.flush()
    return contribution


MAIL_BODY = """Bonjour,

Voici l’avis de notre association sur le projet de doctrine.

Cordialement,
La présidente
"""


def make_inbound_message(**overrides: object):
    """A stored and parsed mail, new, for a new consultation unless told otherwise.

    attachments=[(filename, content_type, data), …] stores files as the ingestion would:
    tied to the message, not public.
    """
    from consultation.inbound_mail.models import InboundMessage

    number = next(_sequence)
    files = list(overrides.pop("attachments", ()))
    if "consultation" not in overrides:
        overrides["consultation"] = make_consultation()
    values = {
        "message_key": f"<message-{number}@exemple.org>",
        "source": "eml:tests",
        "received_at": now(),
        "parsed_at": now(),
        "sent_at": now() - timedelta(hours=1),
        "sender_address": f"expediteur{number}@exemple.org",
        "sender_name": f"Expéditeur {number}",
        "subject": f"Avis sur la doctrine n° {number}",
        "body_text": MAIL_BODY,
        "defects": [],
    }
    values.update(overrides)
    values.setdefault("raw", _raw_mail(values, files))
    values.setdefault("raw_sha256", hashlib.sha256(values["raw"]).hexdigest())
    values.setdefault("size", len(values["raw"]))
    message = InboundMessage(**values)
    db.session.add(message)
    db.session.flush()
    for filename, content_type, data in files:
        _store_mail_attachment(message, filename, content_type, data)
    return message


def _raw_mail(values: dict, files: list) -> bytes:
    mail = EmailMessage(policy=SMTP)
    mail["From"] = f"{values['sender_name'] or ''} <{values['sender_address']}>"
    mail["To"] = "concertation@exemple.gouv.fr"
    mail["Subject"] = values["subject"] or ""
    mail["Message-ID"] = values["message_key"]
    mail["Date"] = format_datetime(values["sent_at"] or values["received_at"])
    mail.set_content(values["body_text"] or "")
    for filename, content_type, data in files:
        maintype, subtype = content_type.split("/", 1)
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes()


def _store_mail_attachment(message, filename: str, content_type: str, data: bytes) -> None:
    from consultation.contributions import storage
    from consultation.contributions.models import Attachment

    attachment = Attachment(
        inbound_message_id=message.id,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=storage.sha256_of(data),
        storage_key=storage.new_key(),
        is_public=False,
    )
    db.session.add(attachment)
    db.session.flush()
    storage.write(attachment.storage_key, data)


def at(days: float = 0, hours: float = 0) -> datetime:
    return now() + timedelta(days=days, hours=hours)
