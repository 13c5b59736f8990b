"""Sections of a chapter version: its headings, each with an anchor that survives new versions.

The anchor comes from the heading's numbering when it has one ("2.3 Les référentiels" → "2-3"),
otherwise from its words, so a contribution made on a section still finds it in a later version
as long as the heading keeps its number or its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup
from slugify import slugify

from consultation.core.markdown import headings, render_parts

#: Headings of these levels are sections; the chapter title is the page's only level 1.
SECTION_LEVELS = range(2, 5)
_NUMBERING = re.compile(r"^\s*((?:\d+|[IVXLC]+)(?:[.\-]\d+)*)[.)]?\s+(?=\S)")


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    anchor: str


def anchor_for(title: str) -> str:
    numbering = _NUMBERING.match(title)
    if numbering:
        return re.sub(r"[.\-]", "-", numbering.group(1)).lower()
    return slugify(title, max_length=60, word_boundary=True) or "section"


@lru_cache(maxsize=512)
def _sections(body: str) -> tuple[Section, ...]:
    return tuple(_find_sections(body))


def sections_of(body: str) -> list[Section]:
    """The sections of a Markdown body, with anchors made unique within the chapter."""
    return list(_sections(body))


def _find_sections(body: str) -> list[Section]:
    sections: list[Section] = []
    used: set[str] = set()
    for heading in headings(body):
        if heading.level not in SECTION_LEVELS:
            continue
        anchor = base = anchor_for(heading.title)
        suffix = 2
        while anchor in used:
            anchor, suffix = f"{base}-{suffix}", suffix + 1
        used.add(anchor)
        sections.append(Section(heading.level, heading.title, anchor))
    return sections


# A published text never changes, and rendering plus sanitising is most of a chapter page's
# time: keep the recent results, keyed by the text itself so an edited text is rendered anew.
@lru_cache(maxsize=128)
def render_sections(body: str) -> tuple[Markup, tuple[tuple[Section, Markup], ...]]:
    """The chapter text as safe HTML: the introduction, then the text of each section.

    Section headings are left out of the HTML: the page renders them with their anchor, their
    permalink and the tools to contribute, right where the section starts.
    """
    cut_at = [heading.level in SECTION_LEVELS for heading in headings(body)]
    introduction, *parts = render_parts(body, cut_at)
    return introduction, tuple(zip(sections_of(body), parts, strict=True))
