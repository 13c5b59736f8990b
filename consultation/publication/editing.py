"""Writing the publication: consultations, batches and chapters, with every rule checked.

The back office and the package import both go through these functions, so a rule holds
whatever the way in. They flush and never commit; a refusal lists every problem found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from consultation.core import audit
from consultation.core.clock import now
from consultation.core.markdown import headings
from consultation.extensions import db
from consultation.publication import audit_trail as trail
from consultation.publication.models import (
    Batch,
    Chapter,
    ChapterVersion,
    Consultation,
    ModerationMode,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONSULTATION_VERSION_LABEL = "Version mise en concertation"
REFERENCE_PREFIX = re.compile(r"^[A-Z0-9]{2,20}$")
PREFIX_HINT = (
    "Le préfixe des références doit contenir de 2 à 20 lettres sans accent ou chiffres "
    "(par exemple DNS2026)."
)
SLUG_HINT = (
    "L’identifiant d’adresse ne peut contenir que des lettres minuscules sans accent, "
    "des chiffres et des tirets (par exemple doctrine-2026)."
)


@dataclass(frozen=True)
class Problem:
    #: The form field the problem is about, or None when it concerns the whole object.
    field: str | None
    message: str


class PublicationRefused(Exception):
    """The change breaks one or more rules; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


def _refuse_if(problems: list[Problem]) -> None:
    if problems:
        raise PublicationRefused(problems)


def _text_problems(field: str, value: str, label: str, max_length: int) -> list[Problem]:
    if not value or not value.strip():
        return [Problem(field, f"{label} est obligatoire.")]
    if len(value) > max_length:
        return [Problem(field, f"{label} ne doit pas dépasser {max_length} caractères.")]
    return []


def _slug_problems(slug: str, max_length: int) -> list[Problem]:
    if not SLUG.match(slug or "") or len(slug) > max_length:
        return [Problem("slug", SLUG_HINT)]
    return []


def save_consultation(
    consultation: Consultation | None,
    *,
    slug: str,
    title: str,
    summary: str,
    opens_at: datetime,
    closes_at: datetime,
    moderation_mode: ModerationMode,
    reference_prefix: str = "",
) -> Consultation:
    """Create a consultation (consultation=None) or update one; raise PublicationRefused.

    An empty reference_prefix keeps the current one, or is made from the slug for a new one.
    """
    prefix = _prefix_for(consultation, slug, reference_prefix)
    problems = _slug_problems(slug, 80) + _text_problems("title", title, "Le titre", 200)
    problems += _prefix_problems(consultation, prefix)
    if closes_at <= opens_at:
        problems.append(Problem("closes_at", "La date de clôture doit suivre la date d’ouverture."))
    clash = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if clash is not None and clash is not consultation:
        problems.append(
            Problem("slug", f"L’identifiant « {slug} » est déjà pris par une autre consultation.")
        )
    for batch in consultation.batches if consultation else []:
        problems += batch_date_problems(batch.number, batch.publish_at, opens_at, closes_at)
    _refuse_if(problems)
    before = trail.consultation_state(consultation) if consultation else None
    consultation = consultation or Consultation()
    consultation.slug, consultation.title, consultation.summary = slug, title.strip(), summary or ""
    consultation.opens_at, consultation.closes_at = opens_at, closes_at
    consultation.moderation_mode, consultation.reference_prefix = moderation_mode, prefix
    db.session.add(consultation)
    db.session.flush()
    action = "consultation.edit" if before else "consultation.create"
    audit.record_change(action, consultation, before, trail.consultation_state(consultation))
    return consultation


def _prefix_for(consultation: Consultation | None, slug: str, wanted: str) -> str:
    if wanted.strip():
        return wanted.strip().upper()
    if consultation is not None and consultation.reference_prefix:
        return consultation.reference_prefix
    return re.sub(r"[^A-Z0-9]", "", (slug or "").upper())[:20]


def _prefix_problems(consultation: Consultation | None, prefix: str) -> list[Problem]:
    """References (PREFIX-0042) are public and permanent: the prefix is short and unique."""
    if not REFERENCE_PREFIX.match(prefix):
        return [Problem("reference_prefix", PREFIX_HINT)]
    if (
        consultation is not None
        and consultation.last_reference_number
        and (prefix != consultation.reference_prefix)
    ):
        return [
            Problem(
                "reference_prefix",
                "Des contributions portent déjà ce préfixe : il ne peut plus changer.",
            )
        ]
    clash = db.session.scalar(select(Consultation).where(Consultation.reference_prefix == prefix))
    if clash is not None and clash is not consultation:
        return [
            Problem(
                "reference_prefix",
                f"Le préfixe « {prefix} » est déjà pris par une autre consultation.",
            )
        ]
    return []


def batch_date_problems(
    number: int, publish_at: datetime, opens_at: datetime, closes_at: datetime
) -> list[Problem]:
    if publish_at < opens_at:
        return [
            Problem(
                "publish_at", f"Le lot {number} serait publié avant l’ouverture de la consultation."
            )
        ]
    if publish_at >= closes_at:
        return [
            Problem(
                "publish_at", f"Le lot {number} serait publié après la clôture de la consultation."
            )
        ]
    return []


def save_batch(
    consultation: Consultation,
    batch: Batch | None,
    *,
    number: int,
    title: str,
    publish_at: datetime,
) -> Batch:
    """Create or update a batch; a batch already published keeps its date."""
    problems = _text_problems("title", title, "Le titre du lot", 200)
    if number is None or number < 1:
        problems.append(Problem("number", "Le numéro du lot doit être un entier positif."))
    elif any(other.number == number and other is not batch for other in consultation.batches):
        problems.append(Problem("number", f"Le lot {number} existe déjà dans cette consultation."))
    problems += batch_date_problems(
        number, publish_at, consultation.opens_at, consultation.closes_at
    )
    if batch is not None and batch.is_published(now()) and publish_at != batch.publish_at:
        problems.append(
            Problem(
                "publish_at",
                "Ce lot est déjà publié : sa date de publication ne peut plus changer.",
            )
        )
    _refuse_if(problems)
    before = trail.batch_state(batch) if batch else None
    batch = batch or Batch(consultation=consultation)
    batch.number, batch.title, batch.publish_at = number, title.strip(), publish_at
    db.session.add(batch)
    db.session.flush()
    action, label = "batch.edit" if before else "batch.create", trail.batch_label(batch)
    audit.record_change(action, batch, before, trail.batch_state(batch), label=label)
    return batch


def split_title(markdown: str) -> tuple[str | None, str]:
    """Take a leading level-1 heading off a Markdown text: (title or None, rest of the text)."""
    lines = (markdown or "").lstrip("\ufeff").splitlines()
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        match = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
        if match:
            return match.group(1).strip(), "\n".join(lines[index + 1 :]).strip() + "\n"
        break
    return None, (markdown or "").strip() + "\n"


def _body_problems(body: str) -> list[Problem]:
    if not body or not body.strip():
        return [Problem("body", "Le texte du chapitre est vide.")]
    if any(heading.level == 1 for heading in headings(body)):
        return [
            Problem(
                "body",
                "Le texte ne doit pas contenir d’autre titre de niveau 1 que le "
                "titre du chapitre : utilisez ## pour les sections.",
            )
        ]
    return []


def _chapter_problems(
    consultation: Consultation,
    chapter: Chapter | None,
    batch: Batch,
    number: int,
    slug: str,
    title: str,
) -> list[Problem]:
    problems = _slug_problems(slug, 120) + _text_problems(
        "title", title, "Le titre du chapitre", 300
    )
    others = [other for other in consultation.chapters if other is not chapter]
    if number is None or number < 1:
        problems.append(Problem("number", "Le numéro du chapitre doit être un entier positif."))
    elif any(other.number == number for other in others):
        problems.append(
            Problem("number", f"Le chapitre {number} existe déjà dans cette consultation.")
        )
    if any(other.slug == slug for other in others):
        problems.append(
            Problem("slug", f"L’identifiant « {slug} » est déjà pris par un autre chapitre.")
        )
    if batch.consultation is not consultation:
        problems.append(Problem("batch", "Ce lot appartient à une autre consultation."))
    return problems


def save_chapter(
    consultation: Consultation,
    chapter: Chapter | None,
    *,
    batch: Batch,
    number: int,
    slug: str,
    title: str,
    body: str,
) -> Chapter:
    """Create or update a chapter and its consultation text; a published text stays as it is."""
    problems = _chapter_problems(
        consultation, chapter, batch, number, slug, title
    ) + _body_problems(body)
    if chapter is not None and chapter.is_published(now()):
        if body.strip() != chapter.consultation_version.body.strip():
            message = (
                "Ce chapitre est déjà publié : son texte mis en concertation ne peut plus changer."
            )
            problems.append(Problem("body", message))
        if batch is not chapter.batch:
            problems.append(
                Problem("batch", "Ce chapitre est déjà publié : il ne peut plus changer de lot.")
            )
    _refuse_if(problems)
    return _write_chapter(consultation, chapter, batch, number, slug, title, body)


def _write_chapter(consultation, chapter, batch, number, slug, title, body) -> Chapter:
    before = trail.chapter_state(chapter) if chapter else None
    if chapter is None:
        chapter = Chapter(consultation=consultation)
        chapter.versions.append(
            ChapterVersion(position=1, label=CONSULTATION_VERSION_LABEL, body=body)
        )
    chapter.batch, chapter.number, chapter.slug, chapter.title = batch, number, slug, title.strip()
    chapter.consultation_version.body = body
    db.session.add(chapter)
    db.session.flush()
    action, label = "chapter.edit" if before else "chapter.create", trail.chapter_label(chapter)
    audit.record_change(action, chapter, before, trail.chapter_state(chapter), label=label)
    return chapter


def delete_batch(batch: Batch) -> None:
    """Remove a batch that is not yet published and holds no chapter."""
    if batch.is_published(now()):
        raise PublicationRefused([Problem(None, "Un lot déjà publié ne peut pas être supprimé.")])
    if batch.chapters:
        raise PublicationRefused(
            [
                Problem(
                    None, "Ce lot contient des chapitres : déplacez-les ou supprimez-les d’abord."
                )
            ]
        )
    before, label = trail.batch_state(batch), trail.batch_label(batch)
    audit.record("batch.delete", batch, before=before, label=label)
    db.session.delete(batch)
    db.session.flush()


def delete_chapter(chapter: Chapter) -> None:
    """Remove a chapter that is not yet published."""
    if chapter.is_published(now()):
        raise PublicationRefused(
            [Problem(None, "Un chapitre déjà publié ne peut pas être supprimé.")]
        )
    before, label = trail.chapter_state(chapter), trail.chapter_label(chapter)
    audit.record("chapter.delete", chapter, before=before, label=label)
    db.session.delete(chapter)
    db.session.flush()
