"""A crowd on chapter 1: a few hundred confirmed contributors and their contributions.

100,000 published contributions, and beside them pending and rejected ones so that nine in ten
are published, spread over the sections and the whole chapter, with bodies of 200 to 2,000
characters. Rows go in through COPY on PostgreSQL, and through SQLAlchemy Core `insert()` in
chunks of 5,000 (one executemany per chunk) on SQLite: never object by object.
References are numbered in order of submission and the consultation's counter ends on the last.
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from werkzeug.security import generate_password_hash

from consultation.accounts.models import PASSWORD_METHOD, Profile, User
from consultation.contributions import reading
from consultation.contributions.models import Channel, Contribution, Status
from consultation.core.clock import now
from consultation.core.roles import Role
from consultation.core.sanitize import render_plain_text
from consultation.extensions import db
from consultation.publication.models import Chapter, Consultation

AUTHOR_COUNT = 300
PUBLISHED_COUNT = 100_000
#: Of every 90 published contributions, 6 wait for a moderator and 4 were rejected.
PENDING_PER_90_PUBLISHED, REJECTED_PER_90_PUBLISHED = 6, 4
CHUNK_SIZE = 5_000
SHORTEST_BODY, LONGEST_BODY = 200, 2_000
#: Every bench account signs in with this password (test data only).
PASSWORD = "banc-d-essai-2026"  # noqa: S105
REJECTION_REASON = "Hors sujet : la contribution ne porte pas sur le chapitre."


def email_of(number: int) -> str:
    return f"contributeur-{number:03d}@banc.concertation.example"


@dataclass(frozen=True)
class Author:
    id: int
    label: str
    profile_id: int
    organisation: str | None


@dataclass(frozen=True)
class Inserted:
    rows: int
    published: int
    #: Contribution rows per second of the bulk insert alone (generation not counted).
    rows_per_second: float


def insert_authors(count: int) -> list[Author]:
    """Confirmed contributors, every active profile in turn; one password hash for all of them:
    scrypt is slow on purpose, and signing in checks it the same way."""
    profiles = db.session.scalars(
        select(Profile).where(Profile.is_active).order_by(Profile.position, Profile.id)
    ).all()
    password_hash = generate_password_hash(PASSWORD, method=PASSWORD_METHOD)
    at = now()
    rows = [
        _author_row(number, profiles[number % len(profiles)], password_hash, at)
        for number in range(1, count + 1)
    ]
    db.session.execute(insert(User.__table__), rows)
    db.session.commit()
    query = select(User).where(User.email.like("%@banc.concertation.example")).order_by(User.id)
    return [
        Author(user.id, user.public_name, user.profile_id, user.organisation)
        for user in db.session.scalars(query)
    ]


def _author_row(number: int, profile: Profile, password_hash: str, at: datetime) -> dict:
    return {
        "email": email_of(number),
        "password_hash": password_hash,
        "display_name": f"Contributeur {number}",
        "pseudonym": f"Participant B{number:05d}",
        "role": Role.CONTRIBUTOR,
        "profile_id": profile.id,
        "organisation": f"Organisation {number}" if profile.requires_organisation else None,
        "hatvp_number": None,
        "show_name": number % 3 == 0,
        "news_opt_in": False,
        "charter_accepted_at": at,
        "email_confirmed_at": at,
        "is_enabled": True,
        "session_token": secrets.token_hex(16),
        "failed_login_count": 0,
        "created_at": at,
    }


def insert_contributions(
    chapter: Chapter, authors: list[Author], published: int, words: random.Random, vocabulary
) -> Inserted:
    rows = _contribution_rows(chapter, authors, _statuses(published, words), words, vocabulary)
    started = time.perf_counter()
    if db.engine.dialect.name == "postgresql":
        _copy(rows)
    else:
        for start in range(0, len(rows), CHUNK_SIZE):
            db.session.execute(insert(Contribution.__table__), rows[start : start + CHUNK_SIZE])
    table = Consultation.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == chapter.consultation_id)
        .values(last_reference_number=len(rows))
    )
    db.session.commit()
    return Inserted(len(rows), published, len(rows) / (time.perf_counter() - started))


def _copy(rows: list[dict]) -> None:
    """COPY … FROM STDIN in the session's transaction: PostgreSQL's fastest way in."""
    columns = list(rows[0])
    statement = f"COPY contribution ({', '.join(columns)}) FROM STDIN"
    connection = db.session.connection().connection.dbapi_connection
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            # Enums go in as their stored values (psycopg would send their names).
            copy.write_row([getattr(value, "value", value) for value in row.values()])


def _statuses(published: int, words: random.Random) -> list[Status]:
    pending = round(published * PENDING_PER_90_PUBLISHED / 90)
    rejected = round(published * REJECTED_PER_90_PUBLISHED / 90)
    statuses = [Status.PUBLISHED] * published + [Status.PENDING] * pending
    statuses += [Status.REJECTED] * rejected
    words.shuffle(statuses)
    return statuses


def _contribution_rows(chapter, authors, statuses, words: random.Random, vocabulary) -> list[dict]:
    """One dict per contribution, referenced in order of submission."""
    version = chapter.consultation_version
    places = [(None, None)] + [(section.anchor, section.title) for section in version.sections]
    # The whole chapter and the first sections draw more contributions than the last ones.
    weights = [4.0] + [1 / (1 + rank / 3) for rank in range(len(places) - 1)]
    fixed = {
        "consultation_id": chapter.consultation_id,
        "chapter_id": chapter.id,
        "chapter_version_id": version.id,
        "channel": Channel.WEB,
        "submission_key": None,
    }
    opened, end = chapter.consultation.opens_at, now()
    text = " ".join(words.choices(vocabulary, k=100_000))
    rows = []
    for status, (anchor, title) in zip(
        statuses, words.choices(places, weights, k=len(statuses)), strict=True
    ):
        author = words.choice(authors)
        submitted_at = opened + (end - opened) * words.random()
        rows.append(
            {
                **fixed,
                **_by(author),
                "section_anchor": anchor,
                "section_title": title,
                "body": _excerpt(text, words),
                **_state(status, submitted_at, end, words),
            }
        )
    rows.sort(key=lambda row: row["submitted_at"])
    for row in rows:
        # As the website stores them: rendered once when written.
        row["body_html"] = str(render_plain_text(row["body"]))
    for number, row in enumerate(rows, start=1):
        row["reference"] = f"{chapter.consultation.reference_prefix}-{number:04d}"
    return rows


def _by(author: Author) -> dict:
    """The author, and their profile and organisation as they were when contributing."""
    return {
        "author_id": author.id,
        "author_label": author.label,
        "profile_id": author.profile_id,
        "organisation": author.organisation,
    }


def _state(status: Status, submitted_at: datetime, end: datetime, words: random.Random) -> dict:
    """A moderator publishes within a few hours (never after the build), or rejects."""
    published_at = None
    if status == Status.PUBLISHED:
        published_at = min(end, submitted_at + timedelta(minutes=words.uniform(2, 360)))
    return {
        "status": status,
        "status_reason": REJECTION_REASON if status == Status.REJECTED else None,
        "submitted_at": submitted_at,
        "published_at": published_at,
    }


def _excerpt(text: str, words: random.Random) -> str:
    """A run of whole words of 200 to 2,000 characters, cut from the seeded text."""
    length = words.randint(SHORTEST_BODY + 20, LONGEST_BODY - 1)
    start = text.index(" ", words.randrange(len(text) - LONGEST_BODY - 40)) + 1
    return text[start : start + length].rsplit(" ", 1)[0].capitalize() + "."


def cursor_after(chapter: Chapter, pages: int) -> str:
    """The cursor of "Contributions suivantes" after `pages` pages, as the list makes it."""
    query = (
        select(Contribution)
        .where(Contribution.chapter_id == chapter.id, Contribution.status == Status.PUBLISHED)
        .order_by(Contribution.published_at.desc(), Contribution.id.desc())
        .offset(pages * reading.PAGE_SIZE - 1)
        .limit(1)
    )
    return reading.encode_cursor(db.session.scalar(query))


def busiest_section(chapter: Chapter) -> str:
    counts = reading.counts_by_section(chapter)
    return max((anchor for anchor in counts if anchor), key=counts.__getitem__)


@dataclass(frozen=True)
class Stored:
    #: Submission keys of the contributions sent through the form (the crowd's have none).
    posted_keys: frozenset[str]
    rows: int
    distinct_references: int
    last_reference_number: int


def stored(slug: str) -> Stored:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    keys = db.session.scalars(
        select(Contribution.submission_key).where(Contribution.submission_key.is_not(None))
    )
    rows, distinct = db.session.execute(
        select(func.count(), func.count(Contribution.reference.distinct())).where(
            Contribution.consultation_id == consultation.id
        )
    ).one()
    return Stored(frozenset(keys), rows, distinct, consultation.last_reference_number)
