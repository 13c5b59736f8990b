"""A small consultation for the browser tests: one published chapter, one in a future batch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tests import factories

PUBLISHED_BODY = """Ce chapitre décrit le socle commun des services numériques en santé.

## 1. Les référentiels communs

Chaque service s'appuie sur des référentiels partagés, gage d'interopérabilité.

### 1.1 Identité des usagers

L'identifiant national de santé rattache chaque donnée à la bonne personne.

## 2. La sécurité des échanges

Les échanges passent par des canaux chiffrés et authentifiés.
"""

FUTURE_BODY = """Ce chapitre présente les plateformes nationales.

## 1. Les services socles

Les plateformes nationales offrent des services partagés par tous les acteurs.
"""

#: Only the future chapter contains this word, so a search for it proves what is public.
FUTURE_WORD = "plateformes"


@dataclass(frozen=True)
class Reading:
    consultation_title: str
    consultation_path: str
    chapter_title: str
    chapter_path: str
    section_title: str
    section_anchor: str
    section_permalink: str
    future_chapter_title: str
    future_chapter_path: str
    #: How long until the future batch is published.
    future_in: timedelta


def build_reading() -> Reading:
    """Commit-ready rows for a consultation read by a visitor; returns the paths to visit."""
    consultation = factories.make_consultation(title="Doctrine du numérique en santé")
    batch = factories.make_batch(consultation, title="Fondations")
    chapter = factories.make_chapter(batch, body=PUBLISHED_BODY, title="Socle et référentiels")
    future_in = timedelta(days=3)
    future = factories.make_batch(consultation, publish_in=future_in, title="Plateformes")
    later = factories.make_chapter(future, body=FUTURE_BODY, title="Plateformes nationales")
    section = chapter.consultation_version.sections[1]
    chapter_path = f"/consultations/{consultation.slug}/chapitres/{chapter.number}"
    return Reading(
        consultation_title=consultation.title,
        consultation_path=f"/consultations/{consultation.slug}",
        chapter_title=chapter.title,
        chapter_path=chapter_path,
        section_title=section.title,
        section_anchor=section.anchor,
        section_permalink=f"{chapter_path}/sections/{section.anchor}",
        future_chapter_title=later.title,
        future_chapter_path=f"/consultations/{consultation.slug}/chapitres/{later.number}",
        future_in=future_in,
    )
