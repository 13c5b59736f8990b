"""A fixed synthetic consultation: same sizes and same words at every run, so figures compare.

One consultation, three batches (two published, one in thirty days), five chapters of about
5,000 words, each with about twenty sections on two heading levels; on chapter 1, the crowd of
`bench/crowd.py` (a few hundred contributors, 100,000 published contributions and their
pending and rejected companions).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text

from bench import crowd
from consultation import create_app
from consultation.contributions.reading import PAGE_SIZE
from consultation.contributions.services import recount_published
from consultation.core.clock import now
from consultation.extensions import db
from consultation.publication.models import Batch, Chapter, ChapterVersion, Consultation

SLUG = "doctrine-de-reference"
REFERENCE_PREFIX = "BANC2026"
#: The chapter that receives the crowd's contributions, and the posts of the posting bench.
BUSY_CHAPTER = 1
#: How many pages of the contribution list the "deep page" row skips.
DEEP_PAGE = 200
CHAPTER_COUNT = 5
SECTIONS_PER_CHAPTER = 20
WORDS_PER_SECTION = 250
#: Chapters 1-2 in batch 1, 3-4 in batch 2, 5 in the future batch 3.
BATCH_OF_CHAPTER = {1: 1, 2: 1, 3: 2, 4: 2, 5: 3}
VOCABULARY = (
    "santé",
    "données",
    "patient",
    "professionnel",
    "service",
    "référentiel",
    "identité",
    "sécurité",
    "échange",
    "interopérabilité",
    "plateforme",
    "établissement",
    "usager",
    "dossier",
    "partage",
    "consentement",
    "accès",
    "traçabilité",
    "norme",
    "hébergement",
    "messagerie",
    "ordonnance",
    "annuaire",
    "parcours",
    "soins",
    "région",
    "numérique",
    "éthique",
    "confiance",
    "urbanisation",
    "architecture",
    "socle",
    "national",
    "territoire",
)


@dataclass(frozen=True)
class Built:
    """What the dataset holds, how long it took, and where the deep pages start."""

    accounts: int
    contributions: crowd.Inserted
    seconds: float
    deep_page: int
    #: Cursor after `deep_page` pages of the busy chapter's list, made as the application makes it.
    deep_cursor: str
    #: The section of the busy chapter with the most contributions.
    busy_section: str
    #: Anchors of every section of the busy chapter.
    sections: list[str]


def bench_app(database_url: str) -> Flask:
    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )


def build(
    database_url: str,
    published: int = crowd.PUBLISHED_COUNT,
    authors: int = crowd.AUTHOR_COUNT,
) -> Built:
    """Empty the database, migrate it and write the dataset (the database must be dedicated)."""
    started = time.perf_counter()
    with bench_app(database_url).app_context():
        _empty(database_url)
        upgrade()
        # A seeded generator: the same words at every run, nothing secret.
        words = random.Random(2026)  # noqa: S311
        db.session.add(_consultation(words))
        db.session.commit()
        chapter = db.session.scalar(select(Chapter).where(Chapter.number == BUSY_CHAPTER))
        people = crowd.insert_authors(authors)
        inserted = crowd.insert_contributions(chapter, people, published, words, VOCABULARY)
        # Bulk rows bypass the services: rebuild the published counts they keep.
        recount_published()
        db.session.commit()
        _analyse(database_url)
        deep_page = min(DEEP_PAGE, published // PAGE_SIZE)
        built = Built(
            accounts=len(people),
            contributions=inserted,
            seconds=time.perf_counter() - started,
            deep_page=deep_page,
            deep_cursor=crowd.cursor_after(chapter, deep_page),
            busy_section=crowd.busiest_section(chapter),
            sections=[section.anchor for section in chapter.consultation_version.sections],
        )
        db.session.remove()
        db.engine.dispose()
    return built


def _empty(database_url: str) -> None:
    if database_url.startswith("postgresql"):
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        return
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _analyse(database_url: str) -> None:
    """What autovacuum does soon after a bulk load on PostgreSQL: planner statistics, and the
    visibility map without which an index-only count still reads every row."""
    if not database_url.startswith("postgresql"):
        return
    options = {"isolation_level": "AUTOCOMMIT"}
    with db.engine.connect().execution_options(**options) as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _consultation(words: random.Random) -> Consultation:
    start = now()
    consultation = Consultation(
        slug=SLUG,
        reference_prefix=REFERENCE_PREFIX,
        title="Doctrine de référence du numérique en santé",
        summary=_paragraph(words, 80),
        opens_at=start - timedelta(days=10),
        closes_at=start + timedelta(days=60),
    )
    publish_at = {
        1: start - timedelta(days=10),
        2: start - timedelta(days=5),
        3: start + timedelta(days=30),
    }
    batches = {n: Batch(number=n, title=f"Lot {n}", publish_at=at) for n, at in publish_at.items()}
    consultation.batches = list(batches.values())
    for number in range(1, CHAPTER_COUNT + 1):
        chapter = Chapter(
            number=number,
            slug=f"chapitre-{number}",
            title=f"Chapitre {number}",
            batch=batches[BATCH_OF_CHAPTER[number]],
        )
        chapter.versions = [ChapterVersion(position=1, label="Consultation", body=_body(words))]
        consultation.chapters.append(chapter)
    return consultation


def _body(words: random.Random) -> str:
    parts = [_paragraph(words, 60)]
    for section in range(1, SECTIONS_PER_CHAPTER + 1):
        major, minor = divmod(section - 1, 4)
        heading = f"## {major + 1}. " if minor == 0 else f"### {major + 1}.{minor} "
        parts.append(heading + " ".join(words.choices(VOCABULARY, k=4)).capitalize())
        parts.extend(_paragraph(words, WORDS_PER_SECTION // 2) for _ in range(2))
    return "\n\n".join(parts) + "\n"


def _paragraph(words: random.Random, count: int) -> str:
    return " ".join(words.choices(VOCABULARY, k=count)).capitalize() + "."


def stored_posts(database_url: str) -> crowd.Stored:
    """What the database holds after the posting bench, read by a fresh connection."""
    with bench_app(database_url).app_context():
        stored = crowd.stored(SLUG)
        db.session.remove()
        db.engine.dispose()
    return stored
