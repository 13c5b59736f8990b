"""Later versions of a chapter (the revised and final texts), added beside the one consulted on.

The version put to consultation (position 1) is never touched here: it stays the text every
contribution refers to. Back office and package import both go through these functions; they
flush and never commit, and a refusal lists every problem found.
"""

from __future__ import annotations

from typing import Any

from consultation.core import audit
from consultation.extensions import db
from consultation.publication import audit_trail as trail
from consultation.publication.editing import (
    Problem,
    PublicationRefused,
    _body_problems,
    _text_problems,
)
from consultation.publication.models import Chapter, ChapterVersion

LABEL_MAX_LENGTH = 80


def version_state(version: ChapterVersion) -> dict[str, Any]:
    """The version's place and label; of its text only a summary, as for chapters."""
    state = audit.snapshot(version, "position", "label")
    state["body"] = audit.text_summary(version.body)
    return state


def version_label(version: ChapterVersion) -> str:
    return f"{version.label} — {trail.chapter_label(version.chapter)}"


def _label_problems(chapter: Chapter, label: str, version: ChapterVersion | None) -> list[Problem]:
    problems = _text_problems("label", label, "Le libellé de la version", LABEL_MAX_LENGTH)
    taken = any(
        other.label.casefold() == (label or "").strip().casefold() and other is not version
        for other in chapter.versions
    )
    if not problems and taken:
        message = (
            f"Le chapitre a déjà une version « {label.strip()} » : choisissez un autre libellé."
        )
        problems.append(Problem("label", message))
    return problems


def add_version(chapter: Chapter, *, label: str, body: str) -> ChapterVersion:
    """Add a labelled version after the others; raise PublicationRefused with every problem."""
    problems = _label_problems(chapter, label, None) + _body_problems(body)
    if problems:
        raise PublicationRefused(problems)
    position = max(version.position for version in chapter.versions) + 1
    version = ChapterVersion(position=position, label=label.strip(), body=body)
    chapter.versions.append(version)
    db.session.flush()
    audit.record("chapter.version_add", version, after=version_state(version),
                 label=version_label(version))  # fmt: skip
    return version


def update_version(version: ChapterVersion, *, body: str) -> bool:
    """Replace the text of a later version; True when it changed. The consulted one is refused."""
    if version.position == 1:
        message = "La version mise en concertation ne peut pas être remplacée par une autre."
        raise PublicationRefused([Problem("body", message)])
    problems = _body_problems(body)
    if problems:
        raise PublicationRefused(problems)
    if version.body.strip() == body.strip():
        return False
    before = version_state(version)
    version.body = body
    db.session.flush()
    audit.record_change("chapter.version_edit", version, before, version_state(version),
                        label=version_label(version))  # fmt: skip
    return True
