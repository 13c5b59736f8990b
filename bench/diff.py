"""Differences of a 50,000-word chapter: the time to compare its two versions, and the memory.

`python -m bench.diff` runs it alone; `make bench` prints its lines with the others. No
database: the engine works on the two Markdown texts (consultation/publication/diff.py).
"""

from __future__ import annotations

import random
import statistics
import time
import tracemalloc
from dataclasses import dataclass

from consultation.publication import sections
from consultation.publication.diff import compare_bodies

WORDS = 50_000
SECTIONS = 100
PARAGRAPH_WORDS = 100
RUNS = 5
SEED = 7
_VOCABULARY = [f"mot{index}" for index in range(3_000)]


@dataclass(frozen=True)
class Measure:
    words: int
    sections: int
    runs: int
    p50_ms: float
    max_ms: float
    peak_mib: float
    summary: object


def chapter_versions(seed: int = SEED) -> tuple[str, str]:
    """A consultation text of WORDS words in SECTIONS sections, and a final text made from it:
    a word in ten changed in one paragraph in five, five sections removed, five added, three
    moved to the end and five headings reworded."""
    rng = random.Random(seed)  # noqa: S311 - seeded on purpose: the same texts every run
    per_section = WORDS // SECTIONS
    old = [(f"## {n}. Section {n}", _paragraphs(rng, per_section)) for n in range(1, SECTIONS + 1)]
    new = [(title, [_edited(rng, p) for p in body]) for title, body in old]
    new = [item for index, item in enumerate(new) if index % 20 != 7]
    new = [item for index, item in enumerate(new) if index not in (10, 30, 50)] + [
        new[10],
        new[30],
        new[50],
    ]
    new = [
        (title + " révisée" if n % 19 == 3 else title, body) for n, (title, body) in enumerate(new)
    ]
    added = [(f"## {SECTIONS + n}. Ajout {n}", _paragraphs(rng, 300)) for n in range(1, 6)]
    return _text(old), _text(new + added)


def _paragraphs(rng: random.Random, words: int) -> list[str]:
    return [
        " ".join(rng.choices(_VOCABULARY, k=PARAGRAPH_WORDS)).capitalize() + "."
        for _ in range(words // PARAGRAPH_WORDS)
    ]


def _edited(rng: random.Random, paragraph: str) -> str:
    if rng.random() >= 0.2:
        return paragraph
    words = paragraph.split(" ")
    return " ".join(rng.choice(_VOCABULARY) if rng.random() < 0.1 else word for word in words)


def _text(items: list[tuple[str, list[str]]]) -> str:
    return "Présentation.\n\n" + "\n\n".join(
        title + "\n\n" + "\n\n".join(body) for title, body in items
    )


def measure(runs: int = RUNS) -> Measure:
    old, new = chapter_versions()
    timings = []
    for _ in range(runs):
        sections._sections.cache_clear()  # every run finds the headings anew
        started = time.perf_counter()
        diff = compare_bodies(old, new)
        timings.append((time.perf_counter() - started) * 1000)
    sections._sections.cache_clear()
    tracemalloc.start()
    compare_bodies(old, new)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return Measure(
        len(old.split()),
        len(diff.sections),
        runs,
        statistics.median(timings),
        max(timings),
        peak / 2**20,
        diff.summary,
    )


def describe(done: Measure) -> list[str]:
    summary = done.summary
    return [
        f"Differences of a {done.words:,}-word chapter ({done.sections} sections compared: "
        f"{summary.changed} changed, {summary.added} added, {summary.removed} removed, "
        f"{summary.moved} moved, {summary.renamed} renamed): p50 {done.p50_ms:.0f} ms, "
        f"max {done.max_ms:.0f} ms over {done.runs} runs; peak Python memory "
        f"{done.peak_mib:.1f} MiB (tracemalloc, one more run)."
    ]


if __name__ == "__main__":
    print("\n".join(describe(measure())))
