"""Differences between the version of a chapter put to consultation and its final version.

Sections are matched by anchor, which survives a new version as long as a heading keeps its
number or its title; a section whose anchor changed but whose text did not is recognised as
renamed. The order of the sections matched is compared with difflib, so that one section added
at the top does not make every following one look moved. Plain data out: no HTML here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from consultation.publication.diff_text import Fragment, compare, is_changed, split_sections
from consultation.publication.models import Chapter, ChapterVersion
from consultation.publication.sections import Section, sections_of


@dataclass(frozen=True)
class VersionSection:
    section: Section
    text: str


@dataclass(frozen=True)
class SectionDiff:
    old: VersionSection | None
    new: VersionSection | None
    fragments: list[Fragment]
    moved: bool = False

    @property
    def added(self) -> bool:
        return self.old is None

    @property
    def removed(self) -> bool:
        return self.new is None

    @property
    def renamed(self) -> bool:
        both = self.old is not None and self.new is not None
        return both and self.old.section.title != self.new.section.title

    @property
    def changed(self) -> bool:
        return self.old is not None and self.new is not None and is_changed(self.fragments)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.changed or self.moved)

    @property
    def section(self) -> Section:
        return (self.new or self.old).section


@dataclass(frozen=True)
class Summary:
    changed: int = 0
    added: int = 0
    removed: int = 0
    moved: int = 0
    renamed: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class ChapterDiff:
    old_label: str
    new_label: str
    introduction: list[Fragment]
    sections: list[SectionDiff] = field(default_factory=list)

    @property
    def summary(self) -> Summary:
        kinds = ("changed", "added", "removed", "moved", "renamed", "unchanged")
        return Summary(**{kind: sum(getattr(s, kind) for s in self.sections) for kind in kinds})

    @property
    def introduction_changed(self) -> bool:
        return is_changed(self.introduction)


def final_version(chapter: Chapter) -> ChapterVersion | None:
    """The latest version when the chapter has more than the one put to consultation."""
    return chapter.latest_version if len(chapter.versions) > 1 else None


def chapter_diff(chapter: Chapter) -> ChapterDiff | None:
    final = final_version(chapter)
    if final is None:
        return None
    return compare_versions(chapter.consultation_version, final)


def compare_versions(old: ChapterVersion, new: ChapterVersion) -> ChapterDiff:
    return compare_bodies(old.body, new.body, old.label, new.label)


def compare_bodies(
    old_body: str, new_body: str, old_label: str = "", new_label: str = ""
) -> ChapterDiff:
    old_intro, old_sections = _version_sections(old_body)
    new_intro, new_sections = _version_sections(new_body)
    pairs = _pairs(old_sections, new_sections)
    moved = _moved(old_sections, new_sections, pairs)
    sections = _in_reading_order(old_sections, new_sections, pairs, moved)
    return ChapterDiff(old_label, new_label, compare(old_intro, new_intro), sections)


def _version_sections(body: str) -> tuple[str, list[VersionSection]]:
    introduction, texts = split_sections(body)
    return introduction, [
        VersionSection(*pair) for pair in zip(sections_of(body), texts, strict=True)
    ]


def _pairs(old: list[VersionSection], new: list[VersionSection]) -> dict[str, VersionSection]:
    """Old anchor → the new section it became: same anchor, or else the very same text."""
    new_anchors = {item.section.anchor: item for item in new}
    pairs = {
        a.section.anchor: new_anchors[a.section.anchor]
        for a in old
        if a.section.anchor in new_anchors
    }
    taken = {item.section.anchor for item in pairs.values()}
    by_text = {
        item.text: item for item in new if item.section.anchor not in taken and item.text.strip()
    }
    for item in old:
        if item.section.anchor not in pairs and item.text in by_text:
            pairs[item.section.anchor] = by_text.pop(item.text)
    return pairs


def _moved(
    old: list[VersionSection], new: list[VersionSection], pairs: dict[str, VersionSection]
) -> set[str]:
    """New anchors of the sections that left the order the others keep."""
    new_position = {item.section.anchor: index for index, item in enumerate(new)}
    old_order = [
        pairs[item.section.anchor].section.anchor for item in old if item.section.anchor in pairs
    ]
    new_order = sorted(old_order, key=new_position.__getitem__)
    matcher = difflib.SequenceMatcher(None, old_order, new_order, autojunk=False)
    kept = {
        anchor for a, _, size in matcher.get_matching_blocks() for anchor in old_order[a : a + size]
    }
    return set(old_order) - kept


def _in_reading_order(
    old: list[VersionSection],
    new: list[VersionSection],
    pairs: dict[str, VersionSection],
    moved: set[str],
) -> list[SectionDiff]:
    """The final version's order, each removed section after the one it followed."""
    origin = {pair.section.anchor: anchor for anchor, pair in pairs.items()}
    old_by_anchor = {item.section.anchor: item for item in old}
    removed_after: dict[str | None, list[SectionDiff]] = {}
    previous = None
    for item in old:
        if item.section.anchor in pairs:
            previous = item.section.anchor
        else:
            removed = SectionDiff(item, None, compare(item.text, ""))
            removed_after.setdefault(previous, []).append(removed)
    result = list(removed_after.get(None, []))
    for item in new:
        before = old_by_anchor.get(origin.get(item.section.anchor, ""))
        text = before.text if before else ""
        result.append(
            SectionDiff(before, item, compare(text, item.text), item.section.anchor in moved)
        )
        result += removed_after.get(origin.get(item.section.anchor), [])
    return result
