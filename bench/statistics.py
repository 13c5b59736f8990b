"""Statistics bench: every figure of a consultation at a million contributions, and the recount.

Run by `make bench` on each database once `bench/queue.py` has brought it to 1,000,000
contributions (bulk rows that bypassed the application): first `flask contributions recount`'s
work (`tally.rebuild()`) is timed, then each figure function of `consultation.statistics.figures`
is called up to REPEAT times per scope (fewer past BUDGET_SECONDS), in one process, after one
untimed call: p50 and p99 in ms. The scopes: the public page (tally), the analysts' dashboard
(tally, every status), one chapter (tally), a month (its whole weeks from the tally, the days
at its ends from the rows) and one theme (the rows).

`python -m bench.statistics [DATABASE_URL]` runs this part alone on a database the bench built
(it builds one, with the queue's million, when the database holds no bench consultation).
"""

from __future__ import annotations

import statistics as stats
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from bench import dataset, queue_dataset
from bench.dataset import bench_app
from consultation.contributions.models import Contribution, Theme
from consultation.core.dates import to_paris
from consultation.extensions import db
from consultation.publication.models import Chapter, Consultation
from consultation.statistics import figures, tally
from consultation.statistics.figures import Scope

REPEAT = 20
#: A figure that reads the rows stops being called past this time (after at least MIN_REPEAT
#: calls): twenty calls of a one-second figure in each scope would add minutes to the bench.
BUDGET_SECONDS = 5.0
MIN_REPEAT = 3
FUNCTIONS = figures.EVERY_FIGURE
#: What the public statistics page draws (consultation/statistics/page_figures.py).
PUBLIC_PAGE = (
    figures.key_figures,
    figures.accounts_by_profile,
    figures.by_chapter,
    figures.by_profile,
    figures.by_week,
    figures.by_disposition,
)
SCOPES = ("public", "staff", "one chapter", "a month *", "one theme *")


@dataclass(frozen=True)
class Measured:
    database: str
    contributions: int
    recount_seconds: float
    #: (function, scope) → (p50 ms, p99 ms)
    timings: dict[tuple[str, str], tuple[float, float]]
    #: The figures of the public statistics page together, p50 and p99 in ms.
    page: tuple[float, float]


def measure(database: str, database_url: str) -> Measured:
    with bench_app(database_url).app_context():
        started = time.perf_counter()
        counted = tally.rebuild()
        db.session.commit()
        recount = time.perf_counter() - started
        scopes = _scopes()
        timings = {
            (function.__name__, name): _timed(lambda f=function, s=scope: f(s))
            for function in FUNCTIONS
            for name, scope in scopes.items()
        }
        public = scopes["public"]
        page = _timed(lambda: [function(public) for function in PUBLIC_PAGE])
        db.session.remove()
        db.engine.dispose()
    return Measured(database, counted, recount, timings, page)


def _scopes() -> dict[str, Scope]:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == dataset.SLUG))
    chapter = db.session.scalar(
        select(Chapter.id).where(Chapter.consultation_id == consultation.id, Chapter.number == 1)
    )
    theme = db.session.scalar(select(Theme.id).where(Theme.consultation_id == consultation.id))
    start = to_paris(consultation.opens_at).date() + timedelta(days=7)
    return dict(
        zip(
            SCOPES,
            (
                Scope(consultation),
                Scope(consultation, public=False),
                Scope(consultation, public=False, chapter_id=chapter),
                Scope(consultation, public=False, start=start, end=start + timedelta(days=30)),
                Scope(consultation, public=False, theme_id=theme),
            ),
            strict=True,
        )
    )


def _timed(call: Callable[[], object]) -> tuple[float, float]:
    """p50 and p99 in ms of up to REPEAT calls within the budget, after one untimed call."""
    call()
    durations: list[float] = []
    while len(durations) < REPEAT and (
        len(durations) < MIN_REPEAT or sum(durations) < BUDGET_SECONDS * 1000
    ):
        started = time.perf_counter()
        call()
        durations.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    percentiles = stats.quantiles(durations, n=100, method="inclusive")
    return stats.median(durations), percentiles[98]


def describe(measured: Measured) -> list[str]:
    """A table: one row per function, p50/p99 in ms per scope; the recount above it."""
    header = ("function", *(f"{scope} p50/p99" for scope in SCOPES))
    rows = [
        (
            function.__name__,
            *(_cell(measured.timings[(function.__name__, scope)]) for scope in SCOPES),
        )
        for function in FUNCTIONS
    ]
    rows.append(("public page's figures", _cell(measured.page), "", "", "", ""))
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in (header, tuple("-" * w for w in widths), *rows)
    ]
    intro = (
        f"Statistics on {measured.database} at {measured.contributions:,} contributions: "
        f"recount (tally rebuilt from the rows) {measured.recount_seconds:.1f} s; figures in ms "
        f"over {REPEAT} calls each, or as many as {BUDGET_SECONDS:.0f} s allow (at least "
        f"{MIN_REPEAT}); * read the contributions for part of the period or the theme:"
    )
    return [intro, *lines]


def _cell(timing: tuple[float, float]) -> str:
    return f"{timing[0]:.1f} / {timing[1]:.1f}"


def _holds_bench(database_url: str) -> bool:
    try:
        with bench_app(database_url).app_context():
            count = db.session.scalar(select(func.count()).select_from(Contribution))
            db.engine.dispose()
    except DBAPIError:  # no schema yet: the bench builds it
        return False
    return count >= queue_dataset.TARGET


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="concertation-statistics-") as folder:
        url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{Path(folder) / 'stats.sqlite3'}"
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        name = "postgresql" if url.startswith("postgresql") else "sqlite"
        if not _holds_bench(url):
            print(f"Building the bench dataset on {name}…", file=sys.stderr)
            dataset.build(url)
            queue_dataset.top_up(url)
        print("\n".join(describe(measure(name, url))))


if __name__ == "__main__":
    main()
