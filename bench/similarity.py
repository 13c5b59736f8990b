"""Near-duplicate grouping bench: 100,000 synthetic contributions, 5 % of them planted campaigns.

Texts of 200 to 2,000 characters are drawn word by word from a seeded vocabulary of a few
thousand words (the crowd of `bench/crowd.py` cuts its texts from one long text, so that its
contributions overlap each other by chance: no ground truth). 5,000 of them are copies of 65
campaign letters — one of 1,000 copies, four of 250, sixty of 50 — each copy signed by its
sender, some with a word changed, some shouted or re-punctuated; they are shuffled among the
others. Then, each in a process of its own so that the peak memory is its own:

1. the full run (`flask contributions group-similar --all`): sign, store, find, verify, merge;
2. 1,000 new contributions (5 % of them copies of the campaigns) added by an incremental run.

Precision and recall count pairs: a pair of contributions is found when both are in one group,
and true when both copy one campaign letter.

`python -m bench.similarity [DATABASE_URL]` runs it alone (SQLite in a temporary file by
default); `make bench` runs it on each bench database once the other figures are taken. The
database is emptied: give it a database of its own.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from math import comb
from pathlib import Path

from bench.ingest import ROOT

COUNT = 100_000
#: Sizes of the campaigns: 5,000 copies, 5 % of COUNT.
CAMPAIGN_SIZES = (1_000,) + (250,) * 4 + (50,) * 60
CAMPAIGN_SHARE = 0.05
SHORTEST, LONGEST = 200, 2_000
#: Campaign letters are long enough for a signature line not to hide them (see `_copy`).
SHORTEST_LETTER = 600
VOCABULARY_SIZE = 4_000
CHUNK = 5_000
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
_SYLLABLES = (
    "ba be bi bo cha che con cor da de di do é en fa fi ga gé in la le li lo ma me mi mo na ne "
    "ni no pa pe pi po pra pro que ra re ri ro sa se si so ta te ti to tra tré un va ve vi vo"
)
SYLLABLES = _SYLLABLES.split()


@dataclass(frozen=True)
class Run:
    seconds: float
    sign_seconds: float
    signed: int
    grouped: int
    merged: int
    peak_rss_mib: float


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    groups: int
    #: Contributions of no campaign put in a group; campaign copies left out of every group.
    strays: int
    missed: int


@dataclass(frozen=True)
class Result:
    database: str
    count: int
    #: Campaign copies among `count`, and campaigns.
    planted: int
    campaigns: int
    #: Load average (1 min) after the full run: other processes slow every figure down.
    load_average: float
    build_seconds: float
    full: Run
    quality: Quality
    increment: Run
    increment_quality: Quality


def measure(database: str, database_url: str, count: int = COUNT) -> Result:
    """The whole bench on one database; `count` scales it down for a test (campaigns too)."""
    started = time.perf_counter()
    words = random.Random(2026)  # noqa: S311 - synthetic text, nothing secret
    corpus = _Corpus(words, _vocabulary(words), count)
    campaign_of = _build(database_url, corpus)
    build_seconds = time.perf_counter() - started
    full = _run_in_process(database_url, "--all")
    load_average = os.getloadavg()[0]
    quality = _quality(database_url, campaign_of)
    campaign_of |= _add(database_url, corpus, first_id=count + 1, count=count // 100)
    increment = _run_in_process(database_url)
    return Result(
        database,
        count,
        sum(corpus.sizes),
        len(corpus.sizes),
        load_average,
        build_seconds,
        full,
        quality,
        increment,
        _quality(database_url, campaign_of),
    )


def _vocabulary(words: random.Random) -> list[str]:
    found: dict[str, None] = {}
    while len(found) < VOCABULARY_SIZE:
        found["".join(words.choices(SYLLABLES, k=words.randint(1, 4)))] = None
    return list(found)


def _text(words: random.Random, vocabulary: list[str], shortest: int = SHORTEST) -> str:
    """Sentences of words drawn with Zipf-like weights, cut at a word to the length drawn."""
    length = words.randint(shortest + 20, LONGEST)
    drawn = words.choices(vocabulary, cum_weights=_CUMULATIVE, k=length // 3)
    text = ". ".join(" ".join(drawn[i : i + 12]).capitalize() for i in range(0, len(drawn), 12))
    return text[: length - 1].rsplit(" ", 1)[0] + "."


#: Weight 1/rank for the word of each rank (Zipf's law), accumulated for random.choices.
_CUMULATIVE = list(accumulate(1 / rank for rank in range(1, VOCABULARY_SIZE + 1)))


def _copy(letter: str, words: random.Random, vocabulary: list[str]) -> str:
    """A sender's copy: signed with a name and a town, sometimes a word changed or shouted."""
    text = letter.split(" ")
    if words.random() < 0.3:
        text[words.randrange(len(text))] = words.choice(vocabulary)
    copy = " ".join(text)
    if words.random() < 0.2:
        copy = copy.upper().replace(".", " !")
    name = " ".join(words.choice(vocabulary).capitalize() for _ in range(2))
    return f"{copy}\n\nCordialement,\n{name}, {words.choice(vocabulary).capitalize()}"


class _Corpus:
    """The seeded words, the campaign letters and how many copies each one gets."""

    def __init__(self, words: random.Random, vocabulary: list[str], count: int) -> None:
        self.words, self.vocabulary, self.count = words, vocabulary, count
        self.sizes = [max(2, size * count // COUNT) for size in CAMPAIGN_SIZES]
        self.letters = [_text(words, vocabulary, SHORTEST_LETTER) for _ in self.sizes]

    def contents(self, count: int) -> list[tuple[str, int | None]]:
        """(body, campaign or None) of `count` contributions in the order they arrive: every
        planted copy in the first batch, CAMPAIGN_SHARE of copies in a later one."""
        planted = [i for i, size in enumerate(self.sizes) for _ in range(size)]
        if count != self.count:
            planted = self.words.sample(planted, round(count * CAMPAIGN_SHARE))
        rows = [(_copy(self.letters[i], self.words, self.vocabulary), i) for i in planted]
        rows += [(_text(self.words, self.vocabulary), None) for _ in range(count - len(rows))]
        self.words.shuffle(rows)
        return rows


def _build(database_url: str, corpus: _Corpus) -> dict[int, int | None]:
    """Empty and migrate the database, then insert the contributions; their campaigns by id."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from bench.dataset import bench_app
    from consultation.extensions import db

    with bench_app(database_url).app_context():
        if database_url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        _consultation()
        db.session.remove()
        db.engine.dispose()
    return _add(database_url, corpus, first_id=1, count=corpus.count)


def _consultation() -> None:
    from consultation.extensions import db
    from consultation.publication.models import Batch, Chapter, ChapterVersion, Consultation

    consultation = Consultation(
        slug="doublons",
        reference_prefix="DBL",
        title="Banc des doublons",
        summary="Banc d’essai.",
        opens_at=START - timedelta(days=30),
        closes_at=START + timedelta(days=30),
    )
    batch = Batch(number=1, title="Lot 1", publish_at=START - timedelta(days=30))
    chapter = Chapter(number=1, slug="chapitre-1", title="Chapitre 1", batch=batch)
    chapter.versions = [ChapterVersion(position=1, label="Consultation", body="# Chapitre 1\n")]
    consultation.batches, consultation.chapters = [batch], [chapter]
    db.session.add(consultation)
    db.session.commit()


def _add(database_url: str, corpus: _Corpus, first_id: int, count: int):
    """Insert `count` contributions with ids from `first_id`, in chunks; their campaigns by id."""
    from sqlalchemy import insert, select

    from bench.dataset import bench_app
    from consultation.contributions.models import Contribution, Status
    from consultation.extensions import db
    from consultation.publication.models import Chapter

    campaign_of = {}
    with bench_app(database_url).app_context():
        chapter = db.session.scalar(select(Chapter))
        fixed = {
            "consultation_id": chapter.consultation_id,
            "chapter_id": chapter.id,
            "chapter_version_id": chapter.versions[0].id,
            "author_label": "Banc",
            "status": Status.PUBLISHED,
        }
        rows = []
        contents = corpus.contents(count)
        for identifier, (body, campaign) in enumerate(contents, start=first_id):
            campaign_of[identifier] = campaign
            at = START + timedelta(seconds=identifier)
            reference = f"DBL-{identifier:06d}"
            rows.append(
                {
                    **fixed,
                    "id": identifier,
                    "reference": reference,
                    "body": body,
                    "submitted_at": at,
                    "published_at": at,
                }
            )
        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(Contribution.__table__), rows[start : start + CHUNK])
        db.session.commit()
        _resume_id_sequence(database_url, first_id + count)
        db.session.remove()
        db.engine.dispose()
    return campaign_of


def _resume_id_sequence(database_url: str, next_id: int) -> None:
    """Explicit ids leave PostgreSQL's sequence behind: set it past them."""
    from sqlalchemy import text

    from consultation.extensions import db

    if database_url.startswith("postgresql"):
        db.session.execute(text(f"SELECT setval('contribution_id_seq', {int(next_id)})"))
        db.session.commit()


def _run_in_process(database_url: str, *options: str) -> Run:
    command = [sys.executable, "-m", "bench.similarity", "--measured", database_url, *options]
    output = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=os.environ, capture_output=True, text=True, check=True
    ).stdout
    return Run(**json.loads(output.strip().splitlines()[-1]))


def _measured(database_url: str, from_scratch: bool) -> Run:
    """The code of `flask contributions group-similar`, with the MinHash time set apart."""
    from bench.dataset import bench_app
    from consultation.contributions import minhash
    from consultation.contributions.cli import run_grouping
    from consultation.extensions import db

    signing = [0.0]
    signatures = minhash.signatures

    def timed(texts):
        started = time.perf_counter()
        result = signatures(texts)
        signing[0] += time.perf_counter() - started
        return result

    minhash.signatures = timed
    with bench_app(database_url).app_context():
        started = time.perf_counter()
        total = run_grouping(from_scratch)
        seconds = time.perf_counter() - started
        db.session.remove()
    counts = (total.signed_count, total.grouped_count, total.merged_count)
    return Run(seconds, signing[0], *counts, _peak_rss_mib())


def _peak_rss_mib() -> float:
    """VmHWM of this process (ru_maxrss would count the parent's memory inherited at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _quality(database_url: str, campaign_of: dict[int, int | None]) -> Quality:
    """Pair counting: found pairs share a group, true pairs share a campaign letter."""
    from collections import Counter

    from sqlalchemy import select

    from bench.dataset import bench_app
    from consultation.contributions.models import Contribution
    from consultation.extensions import db

    with bench_app(database_url).app_context():
        query = select(Contribution.id, Contribution.duplicate_group_id)
        group_of = dict(db.session.execute(query).all())
        db.session.remove()
        db.engine.dispose()
    cells = Counter(
        (group_of[identifier], campaign)
        for identifier, campaign in campaign_of.items()
        if group_of[identifier] is not None and campaign is not None
    )
    groups = Counter(group for group in group_of.values() if group is not None)
    campaigns = Counter(campaign for campaign in campaign_of.values() if campaign is not None)
    found = sum(comb(size, 2) for size in groups.values())
    true = sum(comb(size, 2) for size in campaigns.values())
    both = sum(comb(size, 2) for size in cells.values())
    return Quality(
        precision=both / found if found else 1.0,
        recall=both / true if true else 1.0,
        groups=len(groups),
        strays=sum(1 for i, c in campaign_of.items() if c is None and group_of[i] is not None),
        missed=sum(1 for i, c in campaign_of.items() if c is not None and group_of[i] is None),
    )


def describe(result: Result) -> list[str]:
    full, quality, increment = result.full, result.quality, result.increment
    return [
        f"Near-duplicates on {result.database}: {result.count:,} contributions of "
        f"{SHORTEST}-{LONGEST:,} characters, {result.planted:,} of them copies of "
        f"{result.campaigns} campaign letters (built in {result.build_seconds:.0f} s; load "
        f"average {result.load_average:.1f} on {os.cpu_count()} CPUs after the full run).",
        f"  full run (--all): {full.seconds:.1f} s ({full.signed / full.seconds:,.0f} "
        f"contributions/s), of which MinHash signing {full.sign_seconds:.1f} s and storing, "
        f"candidates, verification and merging {full.seconds - full.sign_seconds:.1f} s; "
        f"peak RSS {full.peak_rss_mib:.0f} MiB; {full.grouped:,} grouped in {quality.groups} "
        f"groups; pair precision {quality.precision:.4f}, recall {quality.recall:.4f} "
        f"({quality.strays} strays, {quality.missed} copies missed).",
        f"  incremental run of {increment.signed:,} new contributions: {increment.seconds:.2f} s, "
        f"{increment.grouped} grouped, peak RSS {increment.peak_rss_mib:.0f} MiB; pair precision "
        f"{result.increment_quality.precision:.4f}, recall {result.increment_quality.recall:.4f}.",
    ]


def main() -> None:
    if sys.argv[1:2] == ["--measured"]:
        print(json.dumps(_measured(sys.argv[2], "--all" in sys.argv[3:]).__dict__))
        return
    with tempfile.TemporaryDirectory(prefix="concertation-similar-") as folder:
        url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{Path(folder) / 'similar.sqlite3'}"
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        name = "postgresql" if url.startswith("postgresql") else "sqlite"
        print("\n".join(describe(measure(name, url))))


if __name__ == "__main__":
    main()
