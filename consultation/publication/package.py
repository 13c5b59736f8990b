"""Consultation packages: a folder describing a consultation, for `flask consultations import`.

A package is a folder holding `consultation.toml` and one Markdown file per chapter, in UTF-8
(a byte order mark is tolerated), at most 2 Mo each. A chapter file starts with the chapter
title as a level-1 heading (`# Titre`); its lower headings (`##` to `####`) are the sections.

```toml
slug = "doctrine-2026"                      # its address: /consultations/doctrine-2026
title = "Doctrine du numérique en santé 2026"
summary = \"\"\"Présentation en Markdown…\"\"\"   # or summary_file = "presentation.md"; optional
opens_at = 2026-09-27T09:00:00+02:00        # a date-time without offset is read in Paris time
closes_at = 2026-12-15T18:00:00+01:00
moderation_mode = "a_priori"                # or "a_posteriori"
reference_prefix = "DNS2026"                # contributions are DNS2026-0001…; optional

[[batches]]                                 # one table per batch, at least one
number = 1
title = "Doctrine et fondations"
publish_at = 2026-09-27T09:00:00+02:00      # between the opening (included) and the closing
chapters = ["01-doctrine.md", "02-fondations.md"]
# A file named "NN-identifiant.md" gives the chapter number NN and its address identifiant;
# otherwise, or to override them: { file = "fondations.md", number = 2, slug = "fondations" }
# Later versions of a chapter (revised, final text) follow the one put to consultation:
# { file = "01-doctrine.md",
#   versions = [{ label = "v1.0 finale", file = "01-doctrine-finale.md" }] }
```

Every `.md` file of the folder must be listed by a batch (or be the `summary_file`), and every
listed file must exist inside the folder. Importing again updates the consultation in place:
it is found by slug, its batches and chapters by number; a chapter no longer in the package is
removed if it is not yet published, otherwise the import is refused. A chapter's later versions
are found by label: a new label adds a version, a changed file replaces that version's text, and
a version absent from the package stays (the back office may have added it). A package with problems
is refused whole, every problem listed, and nothing is written. The publication rules are those
of `editing`, shared with the back office.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from sqlalchemy import select

from consultation.extensions import db
from consultation.publication import editing, versions
from consultation.publication.editing import PublicationRefused
from consultation.publication.models import Batch, Chapter, Consultation
from consultation.publication.package_files import (
    BatchSpec,
    ChapterSpec,
    PackageRefused,
    PackageSpec,
    VersionSpec,
    read_package,
)

__all__ = [
    "BatchSpec",
    "ChapterSpec",
    "ImportReport",
    "PackageRefused",
    "PackageSpec",
    "import_package",
    "read_package",
]

T = TypeVar("T")


@dataclass
class ImportReport:
    """What an import did, one French label per consultation, batch or chapter."""

    slug: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def record(self, label: str, before: tuple | None, after: tuple) -> None:
        if before is None:
            self.created.append(label)
        elif before != after:
            self.updated.append(label)
        else:
            self.unchanged.append(label)


def import_package(spec: PackageSpec) -> ImportReport:
    """Create or update the consultation of a package; flush, never commit.

    Every write goes through `editing`; if it refuses anything, everything is rolled back and
    PackageRefused lists each refusal.
    """
    savepoint = db.session.begin_nested()
    importer = _Importer(spec)
    try:
        importer.run()
    except Exception:
        savepoint.rollback()
        raise
    if importer.problems:
        savepoint.rollback()
        raise PackageRefused(importer.problems)
    savepoint.commit()
    return importer.report


class _Importer:
    """Writes one package through `editing`, going on after a refusal to list every problem."""

    def __init__(self, spec: PackageSpec) -> None:
        self.spec = spec
        self.problems: list[str] = []
        self.report = ImportReport(spec.slug)
        self.batches: dict[int, Batch] = {}

    def attempt(self, prefix: str, write: Callable[[], T]) -> T | None:
        """Run one editing call; on refusal note its problems and return None."""
        try:
            return write()
        except PublicationRefused as refusal:
            self.problems.extend(f"{prefix} : {problem.message}" for problem in refusal.problems)
            return None

    def run(self) -> None:
        existing = db.session.scalar(
            select(Consultation).where(Consultation.slug == self.spec.slug)
        )
        before = _consultation_state(existing) if existing else None
        consultation = self.save_consultation(existing, final=False) or existing
        if consultation is None:
            return
        self.remove_absent_chapters(consultation)
        for batch in self.spec.batches:
            self.save_batch(consultation, batch)
        for batch in self.spec.batches:
            for chapter in batch.chapters:
                self.save_chapter(consultation, batch.number, chapter)
        self.remove_absent_batches(consultation)
        if self.save_consultation(consultation, final=True):
            label = f"consultation « {self.spec.slug} »"
            self.report.record(label, before, _consultation_state(consultation))

    def save_consultation(self, consultation: Consultation | None, final: bool):
        spec = self.spec
        opens_at, closes_at = spec.opens_at, spec.closes_at
        if consultation is not None and not final:
            # Batches are checked against the consultation dates and the other way round: widen
            # the window to hold the old and new dates while batches move, then set the real one.
            opens_at, closes_at = (
                min(opens_at, consultation.opens_at),
                max(closes_at, consultation.closes_at),
            )
        return self.attempt(
            "Consultation",
            lambda: editing.save_consultation(
                consultation,
                slug=spec.slug,
                title=spec.title,
                summary=spec.summary,
                opens_at=opens_at,
                closes_at=closes_at,
                moderation_mode=spec.moderation_mode,
                reference_prefix=spec.reference_prefix,
            ),
        )

    def save_batch(self, consultation: Consultation, spec: BatchSpec) -> None:
        existing = next((b for b in consultation.batches if b.number == spec.number), None)
        before = _batch_state(existing) if existing else None
        batch = self.attempt(
            f"Lot {spec.number}",
            lambda: editing.save_batch(
                consultation,
                existing,
                number=spec.number,
                title=spec.title,
                publish_at=spec.publish_at,
            ),
        )
        if batch is not None:
            self.batches[spec.number] = batch
            self.report.record(f"lot {spec.number} « {spec.title} »", before, _batch_state(batch))

    def save_chapter(self, consultation: Consultation, batch_number: int, spec: ChapterSpec):
        batch = self.batches.get(batch_number)
        if batch is None:  # its batch was refused, which is already listed
            return
        existing = next((c for c in consultation.chapters if c.number == spec.number), None)
        before = _chapter_state(existing) if existing else None
        where = f"Chapitre {spec.number} ({spec.source})"
        chapter = self.attempt(
            where,
            lambda: editing.save_chapter(
                consultation,
                existing,
                batch=batch,
                number=spec.number,
                slug=spec.slug,
                title=spec.title,
                body=spec.body,
            ),
        )
        if chapter is not None:
            label = f"chapitre {spec.number} « {spec.title} »"
            self.report.record(label, before, _chapter_state(chapter))
            for version in spec.versions:
                self.save_version(chapter, version, where)

    def save_version(self, chapter: Chapter, spec: VersionSpec, where: str) -> None:
        """Add the version of that label, or replace its text if the file changed."""
        existing = next((v for v in chapter.versions if v.label == spec.label), None)
        label = f"version « {spec.label} » du chapitre {chapter.number}"
        if existing is None:
            add = partial(versions.add_version, chapter, label=spec.label, body=spec.body)
            if self.attempt(where, add) is not None:
                self.report.created.append(label)
            return
        before = existing.body
        update = partial(versions.update_version, existing, body=spec.body)
        if self.attempt(f"{where}, {label}", update) is not None:
            self.report.record(label, (before,), (existing.body,))

    def remove_absent_chapters(self, consultation: Consultation) -> None:
        wanted = {chapter.number for batch in self.spec.batches for chapter in batch.chapters}
        for chapter in list(consultation.chapters):
            if chapter.number not in wanted:
                label = f"chapitre {chapter.number} « {chapter.title} »"
                self.remove(label, lambda chapter=chapter: editing.delete_chapter(chapter))

    def remove_absent_batches(self, consultation: Consultation) -> None:
        wanted = {batch.number for batch in self.spec.batches}
        for batch in list(consultation.batches):
            if batch.number not in wanted:
                label = f"lot {batch.number} « {batch.title} »"
                self.remove(label, lambda batch=batch: editing.delete_batch(batch))

    def remove(self, label: str, delete: Callable[[], None]) -> None:
        known = len(self.problems)
        self.attempt(f"{label[0].upper()}{label[1:]}, absent du paquet", delete)
        if len(self.problems) == known:
            self.report.removed.append(label)
            # Collections loaded before the deletion still hold the deleted row.
            db.session.expire_all()


def _consultation_state(consultation: Consultation) -> tuple:
    return (
        consultation.title,
        consultation.summary,
        consultation.opens_at,
        consultation.closes_at,
        consultation.moderation_mode,
        consultation.reference_prefix,
    )


def _batch_state(batch: Batch) -> tuple:
    return batch.title, batch.publish_at


def _chapter_state(chapter: Chapter) -> tuple:
    return chapter.batch.number, chapter.slug, chapter.title, chapter.consultation_version.body
