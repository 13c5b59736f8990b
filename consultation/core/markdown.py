"""Markdown rendering with markdown-it-py; every rendered fragment goes through the sanitiser."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from consultation.core.sanitize import clean_document

# Raw HTML in Markdown is shown as text, never interpreted; the sanitiser is a second wall.
_parser = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass(frozen=True)
class Heading:
    level: int
    title: str


def _top_headings(tokens: list[Token]) -> list[int]:
    """Indexes of the heading_open tokens at the top of the document (not in lists or quotes)."""
    return [
        i for i, token in enumerate(tokens) if token.type == "heading_open" and token.level == 0
    ]


def headings(text: str) -> list[Heading]:
    """Top-level headings of a Markdown text, in order, with their plain-text titles."""
    tokens = _parser.parse(text or "")
    return [
        Heading(int(tokens[i].tag[1]), tokens[i + 1].content.strip()) for i in _top_headings(tokens)
    ]


def _render(tokens: list[Token]) -> Markup:
    return clean_document(_parser.renderer.render(tokens, _parser.options, {}))


def render_markdown(text: str) -> Markup:
    """Render Markdown to safe HTML."""
    return _render(_parser.parse(text or ""))


def render_parts(text: str, cut_at: Sequence[bool]) -> list[Markup]:
    """Render Markdown cut at the top-level headings chosen by cut_at, without those headings.

    cut_at[i] says whether to cut at the i-th top-level heading; the caller renders the heading
    itself (with its anchor and tools). The first part holds what comes before the first cut.
    """
    tokens = _parser.parse(text or "")
    cuts = [index for index, cut in zip(_top_headings(tokens), cut_at, strict=False) if cut]
    # A heading is three tokens: heading_open, inline, heading_close.
    bounds = [(0, cuts[0] if cuts else len(tokens))]
    bounds += [(cut + 3, end) for cut, end in zip(cuts, [*cuts[1:], len(tokens)], strict=False)]
    return [_render(tokens[start:end]) for start, end in bounds]
