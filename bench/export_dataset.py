"""The export bench's dataset: one consultation grown to each size measured, long texts.

The bench consultation of `bench/dataset.py` (five chapters of twenty sections) and 300 accounts
across the profiles, then contributions added until the consultation holds the size asked:
bodies of 3,000 to 6,000 characters (4,500 on average, drawn from a pool of seeded texts of a
4,000-word vocabulary), so that at a million rows the "Contributions" sheet's XML passes 4 GB;
one in twenty by mail; every status (85 % published, 8 % pending, 4 % refused, 3 % hidden).
Then, in SQL, on the rows just added: a published answer of about 400 characters on two
published contributions in three (the five dispositions in turn), three in ten tagged with one
of twelve themes, one in twenty in a group of five near-duplicates; and the tally rebuilt from
the rows, as `flask contributions recount` does after a bulk load.

Rows go in by COPY on PostgreSQL and by Core `insert()` in chunks on SQLite, the contribution
table's secondary indexes dropped first and rebuilt after. The search triggers are dropped for
good: the export does not search, and indexing 4.5 GB of text would double the build time.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

from flask_migrate import upgrade
from sqlalchemy import func, insert, select, text

from bench import crowd, dataset, queue_dataset
from bench.dataset import bench_app
from consultation.accounts.models import Profile, User
from consultation.contributions.models import Contribution, Theme
from consultation.core.clock import now
from consultation.extensions import db
from consultation.publication.models import Consultation
from consultation.statistics import tally

SLUG = dataset.SLUG
BODY_POOL = 2_000
SHORTEST_BODY, LONGEST_BODY = 3_000, 6_000
VOCABULARY_SIZE = 4_000
CHUNK_SIZE = 2_000
STATUSES = list(queue_dataset.STATUS_WEIGHTS)
STATUS_WEIGHTS = list(queue_dataset.STATUS_WEIGHTS.values())
ANSWER = (
    "Merci pour cette contribution. Le chapitre a été relu à sa lumière : la rédaction "
    "finale précise les responsabilités de chacun, les délais de mise en œuvre et les "
    "conditions dans lesquelles les services numériques échangent les données de santé, "
    "dans le respect du consentement des personnes et des référentiels de sécurité. "
    "Les points qui relèvent d’autres textes sont transmis aux services concernés."
)
DISPOSITIONS = ("taken", "partly_taken", "not_retained", "out_of_scope", "information")
SEARCH_TRIGGERS = {
    "postgresql": ("DROP TRIGGER IF EXISTS contribution_search_insert ON contribution",),
    "sqlite": ("DROP TRIGGER IF EXISTS contribution_fts_insert",),
}


@dataclass(frozen=True)
class Grown:
    rows: int
    added: int
    #: Contribution rows per second of the load (indexes rebuilt and decorations included).
    rows_per_second: float


def prepare(database_url: str, authors: int = crowd.AUTHOR_COUNT) -> None:
    """Empty the database, migrate it, add the consultation, its accounts and themes."""
    with bench_app(database_url).app_context():
        dataset._empty(database_url)
        upgrade()
        words = random.Random(2029)  # noqa: S311 - seeded on purpose: the same rows every run
        consultation = dataset._consultation(words)
        db.session.add(consultation)
        db.session.flush()
        names = queue_dataset.THEME_NAMES
        db.session.add_all(Theme(consultation_id=consultation.id, name=name) for name in names)
        for statement in SEARCH_TRIGGERS[db.engine.dialect.name]:
            db.session.execute(text(statement))
        db.session.commit()
        crowd.insert_authors(authors)
        db.session.remove()
        db.engine.dispose()


def grow(database_url: str, target: int) -> Grown:
    """Add contributions until the consultation holds `target`."""
    with bench_app(database_url).app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        existing = db.session.scalar(select(func.count()).select_from(Contribution))
        added = max(0, target - existing)
        started = time.perf_counter()
        first_id = (db.session.scalar(select(func.max(Contribution.id))) or 0) + 1
        _load(_rows(consultation, first_id, added))
        _decorate(consultation, first_id)
        tally.rebuild(consultation.id)
        db.session.commit()
        seconds = time.perf_counter() - started
        dataset._analyse(database_url)
        db.session.remove()
        db.engine.dispose()
    return Grown(existing + added, added, added / seconds if seconds else 0.0)


def _load(rows: Iterator[dict]) -> None:
    connection = db.session.connection()
    definitions = connection.execute(text(queue_dataset.INDEXES[db.engine.dialect.name])).all()
    for name, _ in definitions:
        connection.execute(text(f'DROP INDEX "{name}"'))
    if db.engine.dialect.name == "postgresql":
        queue_dataset._copy(rows)
    else:
        while chunk := list(itertools.islice(rows, CHUNK_SIZE)):
            db.session.execute(insert(Contribution.__table__), chunk)
    for _, definition in definitions:
        connection.execute(text(definition))
    db.session.commit()


def _rows(consultation: Consultation, first_id: int, count: int) -> Iterator[dict]:
    words = random.Random(first_id)  # noqa: S311 - seeded: the same rows every run
    bodies = _bodies(words, min(BODY_POOL, count))
    places = _places(consultation)
    authors = _authors()
    profiles = db.session.scalars(select(Profile.id).where(Profile.is_active)).all()
    opened, end = consultation.opens_at, now()
    for identifier in range(first_id, first_id + count):
        chapter, anchor, title = places[identifier % len(places)]
        status = words.choices(STATUSES, STATUS_WEIGHTS)[0]
        submitted_at = opened + (end - opened) * (identifier / (first_id + count))
        yield {
            "id": identifier,
            "reference": f"{consultation.reference_prefix}-{identifier:07d}",
            "consultation_id": consultation.id,
            "chapter_id": chapter.id,
            "chapter_version_id": chapter.consultation_version.id,
            "section_anchor": anchor,
            "section_title": title,
            "body": bodies[identifier % len(bodies)],
            "body_html": None,
            "submission_key": None,
            "source_message_id": None,
            "duplicate_group_id": None,
            **queue_dataset._by(identifier, words, authors, profiles),
            **queue_dataset._state(status, submitted_at, end, words),
        }


def _bodies(words: random.Random, count: int) -> list[str]:
    vocabulary = [_word(words) for _ in range(VOCABULARY_SIZE)]
    weights = [1 / rank for rank in range(1, VOCABULARY_SIZE + 1)]  # Zipf-like
    bodies = []
    for _ in range(count):
        length = words.randint(SHORTEST_BODY, LONGEST_BODY)
        text_ = " ".join(words.choices(vocabulary, weights, k=length // 6))
        bodies.append(text_[:length].capitalize() + ".")
    return bodies


def _word(words: random.Random) -> str:
    syllables = ("ba", "ca", "de", "fi", "go", "lu", "ma", "ne", "pi", "ro", "sa", "té", "vo")
    return "".join(words.choices(syllables, k=words.randint(1, 4)))


def _places(consultation: Consultation) -> list:
    places = []
    for chapter in consultation.chapters:
        places.append((chapter, None, None))
        sections = chapter.consultation_version.sections
        places.extend((chapter, section.anchor, section.title) for section in sections)
    return places


def _authors() -> list[crowd.Author]:
    query = select(User).where(User.email.like("contributeur-%@banc.concertation.example"))
    return [
        crowd.Author(user.id, user.public_name, user.profile_id, user.organisation)
        for user in db.session.scalars(query.order_by(User.id))
    ]


def _decorate(consultation: Consultation, first_id: int) -> None:
    """Answers, themes and near-duplicate groups on the rows from `first_id`, in SQL."""
    themes = db.session.scalars(
        select(Theme.id).where(Theme.consultation_id == consultation.id).order_by(Theme.id)
    ).all()
    disposition = "CASE id % 5 " + " ".join(
        f"WHEN {index} THEN '{value}'" for index, value in enumerate(DISPOSITIONS)
    )
    statements = (
        "INSERT INTO answer (contribution_id, body, disposition, status, published_at, "  # noqa: S608
        f"updated_at) SELECT id, :answer, {disposition} END, 'published', published_at, "
        "published_at FROM contribution WHERE status = 'published' AND id % 3 <> 0 "
        "AND id >= :first",
        "INSERT INTO contribution_theme (contribution_id, theme_id) SELECT id, "
        ":first_theme + id % :theme_count FROM contribution WHERE id % 10 < 3 AND id >= :first",
        "UPDATE contribution SET duplicate_group_id = id - id % 100 WHERE id % 100 < 5 "
        "AND id - id % 100 >= :first",
    )
    values = {"answer": ANSWER, "first": first_id, "first_theme": themes[0],
              "theme_count": len(themes)}  # fmt: skip
    for statement in statements:
        db.session.execute(text(statement), values)  # the CASE holds constants only
