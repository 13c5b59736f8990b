"""What an admin types in the back-office forms, with overrides for what a test is about."""

from __future__ import annotations

import io

#: Paris wall-clock times around the frozen test clock (2 March 2026, 10:00 in Paris).
OPENS = "2026-03-10T09:00"
CLOSES = "2026-05-29T18:00"
FIRST_BATCH = "2026-03-10T09:00"
SECOND_BATCH = "2026-04-15T09:00"

CHAPTER_TEXT = """# Les fondations

Ce chapitre pose les principes communs.

## 1. Principes

Les services partagent des référentiels.

## 2. Mise en œuvre

Les étapes suivent.
"""


def consultation_form(**overrides: str) -> dict[str, str]:
    values = {
        "slug": "doctrine-2026",
        "title": "Doctrine du numérique en santé 2026",
        "summary": "Un projet de texte **à discuter**.",
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "moderation_mode": "a_posteriori",
    }
    return values | overrides


def batch_form(**overrides: str) -> dict[str, str]:
    values = {"number": "1", "title": "Premier lot", "publish_at": FIRST_BATCH}
    return values | overrides


def chapter_form(batch_id: int, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "batch": str(batch_id),
        "number": "1",
        "slug": "fondations",
        "title": "",
        "body": CHAPTER_TEXT,
    }
    return values | overrides


def upload(content: bytes, name: str = "chapitre.md") -> tuple[io.BytesIO, str]:
    """A file as the test client sends it in a multipart form."""
    return io.BytesIO(content), name
