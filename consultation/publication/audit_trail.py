"""What the audit trail keeps of consultations, batches and chapters when an admin changes them."""

from __future__ import annotations

from typing import Any

from consultation.core import audit
from consultation.publication.models import Batch, Chapter, Consultation


def consultation_state(consultation: Consultation) -> dict[str, Any]:
    return audit.snapshot(
        consultation, "slug", "title", "summary", "opens_at", "closes_at", "moderation_mode",
        "reference_prefix",
    )  # fmt: skip


def batch_state(batch: Batch) -> dict[str, Any]:
    return audit.snapshot(batch, "number", "title", "publish_at")


def batch_label(batch: Batch) -> str:
    """A batch named with its consultation: numbers repeat from one consultation to the next."""
    return f"Lot {batch.number} « {batch.title} » — {batch.consultation.title}"


def chapter_state(chapter: Chapter) -> dict[str, Any]:
    """The chapter's place and names, and of its text only a summary: the trail is no archive."""
    state = audit.snapshot(chapter, "batch.number", "number", "slug", "title")
    state["body"] = audit.text_summary(chapter.consultation_version.body)
    return state


def chapter_label(chapter: Chapter) -> str:
    return f"Chapitre {chapter.number} « {chapter.title} » — {chapter.consultation.title}"
