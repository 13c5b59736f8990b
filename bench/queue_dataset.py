"""The moderation queue's dataset: the bench database topped up to a million contributions.

Beside the crowd of chapter 1 (`bench/crowd.py`), the new rows are spread over chapters 1 to 4,
one in twenty received by email, in every status (85 % published, 8 % pending, 4 % rejected,
3 % hidden), submitted in order between the opening and now; their bodies mix the common words
of the dataset with rarer terms, so that a search can find a few thousand rows among a million.
Then, in SQL: three in ten tagged with one of twelve themes, one in twenty in a group of five
near-duplicates, a few thousand open reports, and official answers on the published
contributions of the first quarter of the consultation but one in a hundred (moderators answer
the oldest first and leave a few hard ones for later: "unanswered" starts after that quarter).

Rows go in by COPY on PostgreSQL, by SQLAlchemy Core `insert()` in chunks of 5,000 on SQLite,
the contribution table's secondary indexes dropped first and rebuilt afterwards from their own
definitions, as a bulk load is done.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, insert, select, text

from bench import crowd, dataset
from bench.dataset import bench_app
from consultation.accounts.models import Profile, User
from consultation.contributions.models import Channel, Contribution, Status, Theme
from consultation.core.clock import now
from consultation.core.dates import UTCDateTime
from consultation.core.roles import Role
from consultation.core.sanitize import render_plain_text
from consultation.extensions import db
from consultation.publication.models import Chapter, Consultation
from consultation.statistics import tally

TARGET = 1_000_000
CHUNK_SIZE = 5_000
#: Distinct bodies, each used by about twenty rows: rendering a million costs minutes.
BODY_POOL = 50_000
#: Terms that few bodies hold: each one is in about 0.8 % of them (searches find thousands).
RARE_TERMS = (
    "télésurveillance", "pharmacovigilance", "cybersécurité", "authentification",
    "télémédecine", "pseudonymisation", "réversibilité", "certification", "gouvernance",
    "accessibilité", "ergonomie", "souveraineté", "téléexpertise", "vaccination",
    "prévention", "dépistage", "imagerie", "biologie", "pharmacie", "kinésithérapie",
    "psychiatrie", "pédiatrie", "gériatrie", "handicap", "autonomie", "domicile",
    "hôpital", "urgences", "ambulatoire", "radiologie", "chirurgie", "oncologie",
    "cardiologie", "diabète", "nutrition", "addictologie", "maternité", "infirmier",
    "sage-femme", "orthophonie",
)  # fmt: skip
#: The term of the "search" row of the bench.
SEARCHED_TERM = "télésurveillance"
RARE_TERM_RATE = 0.3
#: Share of each status among the new rows, and of chapters 1 to 4.
STATUS_WEIGHTS = {Status.PUBLISHED: 85, Status.PENDING: 8, Status.REJECTED: 4, Status.HIDDEN: 3}
CHAPTER_WEIGHTS = {1: 4, 2: 3, 3: 2, 4: 1}
EMAIL_EVERY = 20
THEME_NAMES = (
    "Identité numérique", "Interopérabilité", "Sécurité", "Éthique", "Hébergement",
    "Messagerie sécurisée", "Dossier médical partagé", "Annuaire", "Prescription électronique",
    "Territoires", "Usagers", "Formation",
)  # fmt: skip
#: The secondary indexes of the contribution table (unique constraints stay), with their DDL.
INDEXES = {
    "postgresql": "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'contribution' "
    "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
    "AND tbl_name = 'contribution' AND sql IS NOT NULL",
}
MODERATOR_EMAIL = "moderatrice@banc.concertation.example"
#: The bench moderator's authenticator (test data only), for the second step of staff sign-in.
TOTP_SECRET = "BANCBANCBANCBANCBANCBANCBANCBANC"  # noqa: S105
REASON = "hors_sujet"


@dataclass(frozen=True)
class QueueBuilt:
    rows: int
    added: int
    seconds: float
    #: Contribution rows per second of the bulk load (indexes rebuilt included).
    rows_per_second: float
    answers: int
    open_reports: int


def top_up(database_url: str, target: int = TARGET) -> QueueBuilt:
    """Add contributions until the database holds `target`, with themes, reports and answers."""
    started = time.perf_counter()
    with bench_app(database_url).app_context():
        existing = db.session.scalar(select(func.count()).select_from(Contribution))
        consultation = db.session.scalar(
            select(Consultation).where(Consultation.slug == dataset.SLUG)
        )
        moderator_id = _moderator()
        added = max(0, target - existing)
        loaded = time.perf_counter()
        _load(consultation, added)
        load_seconds = time.perf_counter() - loaded
        _decorate(consultation, moderator_id)
        answers, reports = _analyse_and_count(database_url)
        db.session.remove()
        db.engine.dispose()
    seconds = time.perf_counter() - started
    return QueueBuilt(existing + added, added, seconds, added / load_seconds, answers, reports)


def _moderator() -> int:
    """The moderator the bench signs in as (same password as the crowd)."""
    moderator = User(
        email=MODERATOR_EMAIL,
        display_name="Modératrice du banc",
        role=Role.MODERATOR,
        email_confirmed_at=now(),
        charter_accepted_at=now(),
        totp_secret=TOTP_SECRET,
        totp_confirmed_at=now(),
    )
    moderator.set_password(crowd.PASSWORD)
    db.session.add(moderator)
    db.session.commit()
    return moderator.id


def _load(consultation: Consultation, count: int) -> None:
    """The rows in bulk, the contribution table's secondary indexes dropped first and rebuilt
    from their own definitions afterwards, as a bulk load is done."""
    rows = _rows(consultation, count)
    connection = db.session.connection()
    definitions = connection.execute(text(INDEXES[db.engine.dialect.name])).all()
    for name, _ in definitions:
        connection.execute(text(f'DROP INDEX "{name}"'))
    if db.engine.dialect.name == "postgresql":
        _copy(rows)
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    else:
        while chunk := list(itertools.islice(rows, CHUNK_SIZE)):
            db.session.execute(insert(Contribution.__table__), chunk)
    for _, definition in definitions:
        connection.execute(text(definition))
    table = Consultation.__table__
    db.session.execute(
        table.update()
        .where(table.c.id == consultation.id)
        .values(last_reference_number=table.c.last_reference_number + count)
    )
    db.session.commit()


def _rows(consultation: Consultation, count: int) -> Iterator[dict]:
    """The new contributions, in order of submission, ids and references following the last."""
    words = random.Random(2028)  # noqa: S311 - seeded on purpose: the same rows every run
    bodies = _bodies(words)
    places = _places(consultation)
    chapter_weights = [CHAPTER_WEIGHTS[place[0].number] for place in places]
    authors = _authors()
    profiles = db.session.scalars(select(Profile.id).where(Profile.is_active)).all()
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    first_id = (db.session.scalar(select(func.max(Contribution.id))) or 0) + 1
    number = consultation.last_reference_number
    opened, end = consultation.opens_at, now()
    for offset in range(count):
        chapter, anchor, title = words.choices(places, chapter_weights)[0]
        submitted_at = opened + (end - opened) * ((offset + words.random()) / count)
        status = words.choices(statuses, status_weights)[0]
        body, body_html = bodies[words.randrange(len(bodies))]
        row = {
            "id": first_id + offset,
            "reference": f"{consultation.reference_prefix}-{number + offset + 1:04d}",
            "consultation_id": consultation.id,
            "chapter_id": chapter.id,
            "chapter_version_id": chapter.consultation_version.id,
            "section_anchor": anchor,
            "section_title": title,
            "body": body,
            "body_html": body_html,
            "submission_key": None,
            "source_message_id": None,
            "duplicate_group_id": None,
            **_by(offset, words, authors, profiles),
            **_state(status, submitted_at, end, words),
        }
        yield row


def _bodies(words: random.Random) -> list[tuple[str, str]]:
    """Bodies of 200 to 2,000 characters, three in ten holding one rare term, rendered once."""
    text = " ".join(words.choices(dataset.VOCABULARY, k=200_000))
    bodies = []
    for _ in range(BODY_POOL):
        length = words.randint(crowd.SHORTEST_BODY + 20, crowd.LONGEST_BODY - 1)
        start = text.index(" ", words.randrange(len(text) - crowd.LONGEST_BODY - 40)) + 1
        parts = text[start : start + length].rsplit(" ", 1)[0].split(" ")
        if words.random() < RARE_TERM_RATE:
            parts.insert(words.randrange(len(parts)), words.choice(RARE_TERMS))
        body = " ".join(parts).capitalize() + "."
        bodies.append((body, str(render_plain_text(body))))
    return bodies


def _places(consultation: Consultation) -> list[tuple[Chapter, str | None, str | None]]:
    """(chapter, section anchor, section title) for the whole chapter and each section."""
    places = []
    for chapter in consultation.chapters:
        if chapter.number not in CHAPTER_WEIGHTS:
            continue
        sections = chapter.consultation_version.sections
        places.append((chapter, None, None))
        places.extend((chapter, section.anchor, section.title) for section in sections)
    return places


def _authors() -> list[crowd.Author]:
    query = select(User).where(User.email.like("contributeur-%@banc.concertation.example"))
    return [
        crowd.Author(user.id, user.public_name, user.profile_id, user.organisation)
        for user in db.session.scalars(query.order_by(User.id))
    ]


def _by(offset: int, words: random.Random, authors, profiles) -> dict:
    """An account holder, or one in EMAIL_EVERY an organisation writing by mail."""
    if offset % EMAIL_EVERY == 0:
        organisation = f"Association {words.randrange(1, 2_000)}"
        return {
            "channel": Channel.EMAIL,
            "author_id": None,
            "author_label": organisation,
            "profile_id": words.choice(profiles),
            "organisation": organisation,
        }
    return {"channel": Channel.WEB, **crowd._by(words.choice(authors))}


def _state(status: Status, submitted_at: datetime, end: datetime, words: random.Random) -> dict:
    published_at = None
    if status in (Status.PUBLISHED, Status.HIDDEN):
        published_at = min(end, submitted_at + timedelta(minutes=words.uniform(2, 360)))
    reason = REASON if status in (Status.REJECTED, Status.HIDDEN) else None
    return {
        "status": status,
        "status_reason": reason,
        "submitted_at": submitted_at,
        "published_at": published_at,
    }


def _copy(rows: Iterator[dict]) -> None:
    """COPY … FROM STDIN, then the id sequence set after the ids given."""
    connection = db.session.connection()
    first = next(rows)
    columns = list(first)
    statement = f"COPY contribution ({', '.join(columns)}) FROM STDIN"
    with connection.connection.dbapi_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in itertools.chain([first], rows):
            # Enums go in as their stored values (psycopg would send their names).
            copy.write_row([getattr(value, "value", value) for value in row.values()])
    connection.execute(
        text("SELECT setval('contribution_id_seq', (SELECT max(id) FROM contribution))")
    )


def _decorate(consultation: Consultation, moderator_id: int) -> None:
    """Themes, near-duplicate groups, reports and answers, written by SQL from the rows."""
    themes = [Theme(consultation_id=consultation.id, name=name) for name in THEME_NAMES]
    db.session.add_all(themes)
    db.session.flush()
    quarter = consultation.opens_at + (now() - consultation.opens_at) / 4
    values = {"first_theme": themes[0].id, "theme_count": len(themes), "moderator": moderator_id}
    statements = (
        "INSERT INTO contribution_theme (contribution_id, theme_id) SELECT id, "
        ":first_theme + id % :theme_count FROM contribution WHERE id % 10 < 3",
        # Groups of five consecutive rows, named by the id of their first member.
        "UPDATE contribution SET duplicate_group_id = id - id % 100 WHERE id % 100 < 5 "
        "AND id - id % 100 IN (SELECT id FROM contribution)",
        "INSERT INTO contribution_report (contribution_id, reporter_key, reason, created_at, "
        "resolved_at) SELECT id, 'banc-' || id, 'hors_sujet', published_at, "
        "CASE WHEN id % 397 = 1 THEN published_at END FROM contribution "
        "WHERE status = 'published' AND id % 397 < 2",
        "INSERT INTO answer (contribution_id, moderator_id, body, disposition, status, "
        "published_at, updated_at) SELECT id, :moderator, 'Merci : le chapitre en tient "
        "compte.', 'taken', 'published', published_at, published_at FROM contribution "
        "WHERE status = 'published' AND id % 100 <> 0 AND submitted_at < :quarter",
    )
    for statement in statements:
        query = text(statement)
        if ":quarter" in statement:
            query = query.bindparams(bindparam("quarter", quarter, type_=UTCDateTime()))
        db.session.execute(query, values)
    # Rows written by SQL, as a bulk load is: the tally is computed again, as after an import.
    tally.rebuild(consultation.id)
    db.session.commit()


def _analyse_and_count(database_url: str) -> tuple[int, int]:
    if database_url.startswith("postgresql"):
        options = {"isolation_level": "AUTOCOMMIT"}
        with db.engine.connect().execution_options(**options) as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    answers = db.session.scalar(text("SELECT count(*) FROM answer"))
    reports = db.session.scalar(
        text("SELECT count(*) FROM contribution_report WHERE resolved_at IS NULL")
    )
    return answers, reports
