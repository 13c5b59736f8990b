"""The sentences the demo's crowd writes with (`content/crowd.toml`), drawn with a seeded random.

Every draw goes through the `random.Random` given, so the same seed writes the same texts.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

CROWD_FILE = Path(__file__).parent / "content" / "crowd.toml"
MAX_DRAWS = 8


@dataclass(frozen=True)
class Bank:
    data: dict[str, Any]
    #: What this load has written already: two people never send the very same sentences,
    #: which the grouping of near-duplicates would take for a campaign.
    written: set[str] = field(default_factory=set)

    def person(self, rng: random.Random) -> str:
        return f"{rng.choice(self.data['first_names'])} {rng.choice(self.data['last_names'])}"

    def organisation(self, profile_code: str, rng: random.Random) -> str | None:
        names = self.data["organisations"].get(profile_code)
        if not names:
            return None
        return rng.choice(names).format(town=rng.choice(self.data["towns"]))

    def contribution(self, profile_code: str, topic: str, rng: random.Random) -> str:
        """An opening sentence of the profile, one or two remarks, one or two proposals, not
        written before by this load (as far as a few draws can tell)."""
        for _ in range(MAX_DRAWS):
            paragraphs = self._paragraphs(profile_code, topic, rng)
            if paragraphs[0] not in self.written:
                break
        self.written.add(paragraphs[0])
        if rng.random() < 0.5:
            paragraphs.append(rng.choice(self.data["closers"]))
        return "\n\n".join(paragraphs)

    def _paragraphs(self, profile_code: str, topic: str, rng: random.Random) -> list[str]:
        sentences = self.data["sections"][topic]
        remarks = rng.sample(sentences["remarks"], rng.choice((1, 1, 2)))
        proposals = rng.sample(sentences["proposals"], rng.choice((1, 1, 2)))
        paragraphs = [" ".join([rng.choice(self.data["openers"][profile_code]), *remarks])]
        paragraphs.append(" ".join(proposals))
        return paragraphs

    def form_letter(self, rng: random.Random) -> str:
        letter = self.data["form_letter"]
        return f"{letter['text'].strip()}\n\n{rng.choice(letter['personal'])}"

    def answer(self, disposition: str, rng: random.Random) -> str:
        return rng.choice(self.data["answers"][disposition])

    @property
    def form_letter_answer(self) -> str:
        return self.data["answers"]["form_letter"]

    @property
    def letter(self) -> dict[str, Any]:
        return self.data["form_letter"]

    @property
    def themes(self) -> dict[str, list[str]]:
        return self.data["themes"]


@cache
def _sentences() -> dict[str, Any]:
    return tomllib.loads(CROWD_FILE.read_text(encoding="utf-8"))


def load_bank() -> Bank:
    """A bank for one load, that has written nothing yet."""
    return Bank(_sentences())


def topic_of(chapter_number: int, section_anchor: str | None) -> str:
    """The sentences a contribution draws from: its section's ("2-3" for 2-3-1), or its
    chapter's ("chapitre-2")."""
    if not section_anchor:
        return f"chapitre-{chapter_number}"
    return "-".join(section_anchor.split("-")[:2])
