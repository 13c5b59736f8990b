"""A fixed synthetic consultation: same sizes and same words at every run, so figures compare.

One consultation, three batches (two published, one in thirty days), five chapters of about
5,000 words, each with about twenty sections on two heading levels.
"""

from __future__ import annotations

import random
from datetime import timedelta

from flask_migrate import upgrade
from sqlalchemy import text

from consultation import create_app
from consultation.core.clock import now
from consultation.extensions import db
from consultation.publication.models import Batch, Chapter, ChapterVersion, Consultation

SLUG = "doctrine-de-reference"
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


def build(database_url: str) -> None:
    """Empty the database, migrate it and write the dataset (the database must be dedicated)."""
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        _empty(database_url)
        upgrade()
        # A seeded generator: the same words at every run, nothing secret.
        db.session.add(_consultation(random.Random(2026)))  # noqa: S311
        db.session.commit()
        db.engine.dispose()


def _empty(database_url: str) -> None:
    if database_url.startswith("postgresql"):
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


def _consultation(words: random.Random) -> Consultation:
    start = now()
    consultation = Consultation(
        slug=SLUG,
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
