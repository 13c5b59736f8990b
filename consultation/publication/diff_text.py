"""Text side of the differences: a chapter body cut into section texts, and words compared.

The texts compared are the Markdown sources themselves: they are shown escaped, as plain text,
so that nothing written in a version can become markup on the differences page.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt

from consultation.publication.sections import SECTION_LEVELS

_parser = MarkdownIt("commonmark", {"html": False}).enable("table")

#: A word or a run of punctuation, each with the spaces before it, and the spaces ending the
#: text: joined again, they give back the text. Spaces kept apart would be a third of the
#: tokens, all alike, and slow difflib down for nothing.
_TOKENS = re.compile(r"\s*(?:\w+|[^\w\s]+)|\s+")

FragmentKind = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Fragment:
    kind: FragmentKind
    text: str


def split_sections(body: str) -> tuple[str, list[str]]:
    """The text before the first section, then the text of each section without its heading."""
    lines = (body or "").splitlines(keepends=True)
    bounds = [
        token.map
        for token in _parser.parse(body or "")
        if token.type == "heading_open"
        and token.level == 0
        and int(token.tag[1]) in SECTION_LEVELS
        and token.map
    ]
    starts = [start for start, _ in bounds] + [len(lines)]
    introduction = "".join(lines[: starts[0]])
    texts = [
        "".join(lines[end:next_start])
        for (_, end), next_start in zip(bounds, starts[1:], strict=True)
    ]
    return introduction.strip("\n"), [text.strip("\n") for text in texts]


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def compare(old: str, new: str) -> list[Fragment]:
    """Fragments that rebuild both texts: equal ones, deleted from old, inserted in new.

    Lines are matched first, then words inside the lines that changed: long texts stay fast
    and a rewritten paragraph does not get paired word by word with an unrelated one.
    """
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    fragments: list[Fragment] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            fragments += _compare_block(old_lines[i1:i2], new_lines[j1:j2])
        else:
            fragments += _fragments(tag, "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2]))
    return _merge(fragments)


def _compare_block(old_lines: list[str], new_lines: list[str]) -> list[Fragment]:
    """Lines rewritten in place are compared pair by pair: shorter sequences, far quicker."""
    if len(old_lines) != len(new_lines):
        return _compare_words("".join(old_lines), "".join(new_lines))
    fragments: list[Fragment] = []
    for before, after in zip(old_lines, new_lines, strict=True):
        fragments += _compare_words(before, after)
    return fragments


def _compare_words(old: str, new: str) -> list[Fragment]:
    old_tokens, new_tokens = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    fragments: list[Fragment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        fragments += _fragments(tag, before, after)
    return fragments


def _fragments(tag: str, before: str, after: str) -> list[Fragment]:
    if tag == "equal":
        return [Fragment("equal", after)]
    pieces = [Fragment("delete", before), Fragment("insert", after)]
    return [piece for piece in pieces if piece.text]


def _merge(fragments: list[Fragment]) -> list[Fragment]:
    """Neighbouring fragments of the same kind joined, so that a change reads as one."""
    merged: list[Fragment] = []
    for fragment in fragments:
        if merged and merged[-1].kind == fragment.kind:
            merged[-1] = Fragment(fragment.kind, merged[-1].text + fragment.text)
        else:
            merged.append(fragment)
    return merged


def is_changed(fragments: list[Fragment]) -> bool:
    return any(fragment.kind != "equal" for fragment in fragments)
