"""Queue bench: the moderation queue at a million contributions, read by a signed-in moderator.

Run by `make bench` on each database after the other benches: `queue_dataset.top_up` brings
the database to 1,000,000 contributions, then each queue page is loaded as the reading pages are
(`bench/load.py`: 16 connections for 10 seconds after a 1-second warm-up), every request with the
session cookie of a moderator who signed in through `/connexion` (and its second step, when the
application asks staff for one).
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from urllib.parse import urlencode

import pyotp
from sqlalchemy import select, text

from bench import dataset, load, posting, queue_dataset
from bench.dataset import bench_app
from bench.servers import gunicorn, peak_rss_mib
from consultation.accounts.models import Profile
from consultation.contributions.models import Contribution, Status, Theme
from consultation.core.dates import to_paris
from consultation.extensions import db
from consultation.moderation import queue, queue_counts
from consultation.publication.models import Chapter, Consultation

TARGET = queue_dataset.TARGET
WARM_UP_SECONDS = 1
#: The index a search needs on PostgreSQL beyond the schema of today (see bench/README.md):
#: without it, a search reads every row of a view and computes to_tsvector on each.
PEOPLE_SEARCH_INDEX = "ix_contribution_people_search"
SEARCH_ROW = "queue, search"
#: Requests of a page timed one after the other rather than loaded.
ALONE_REQUESTS = 3
#: The "deep page" row reads the page after this many pages of "À modérer".
DEEP_PAGE = 1_000


def run(database: str, database_url: str, environment: dict[str, str], log):
    """Top the database up, then load each queue page; ([(page, result, peak RSS)], notes)."""
    built = queue_dataset.top_up(database_url)
    rows, notes = measure(database, database_url, environment, log)
    return rows, [_note(database, built), *notes]


def measure(database: str, database_url: str, environment: dict[str, str], log):
    """Each queue page under load, on a server of its own: [(page, result, peak RSS)], and
    what was measured otherwise (a search on SQLite) or not at all (a search without index)."""
    paths, notes = pages(database_url), []
    if not any(SEARCH_ROW in page for page in paths):
        notes.append(
            f"No search row on {database}: it lacks the index {PEOPLE_SEARCH_INDEX}, without "
            "which a search reads every row of a view (bench/README.md)."
        )
    rows = []
    with gunicorn("wsgi:app", environment, log) as (base_url, master_pid):
        moderator = _moderator(base_url)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in moderator.cookies.items())}
        for page, path in paths.items():
            _check(moderator, path)
            if database == "sqlite" and SEARCH_ROW in page:
                notes.append(_timed_alone(database, moderator, page, path))
                continue
            load.measure(base_url + path, seconds=WARM_UP_SECONDS, headers=headers)
            result = load.measure(base_url + path, headers=headers)
            rows.append((page, result, peak_rss_mib(master_pid)))
    return rows, notes


def _timed_alone(database: str, moderator: posting.Visitor, page: str, path: str) -> str:
    """A page too slow to load with 16 connections: three requests one after the other."""
    durations = []
    for _ in range(ALONE_REQUESTS):
        started = time.perf_counter()
        _check(moderator, path)
        durations.append(time.perf_counter() - started)
    return (
        f"On {database}, « {page} » timed alone, not under load: {statistics.median(durations):.1f}"
        f" s a request (median of {ALONE_REQUESTS}): LIKE reads every row of a view, and 16 "
        "connections at once would each pass gunicorn's 30-second timeout."
    )


def pages(database_url: str) -> dict[str, str]:
    """The queue pages measured: names and addresses (made from the dataset's own ids)."""
    with bench_app(database_url).app_context():
        found = _queue_ids()
        if not _search_is_indexed():
            found = {name: args for name, args in found.items() if "q" not in args}
        db.session.remove()
        db.engine.dispose()
    return {name: f"/moderation/?{urlencode(args)}" for name, args in found.items()}


def _search_is_indexed() -> bool:
    """On PostgreSQL, whether the author and organisation can be searched through an index."""
    if db.engine.dialect.name != "postgresql":
        return True
    query = text("SELECT 1 FROM pg_indexes WHERE indexname = :name")
    return db.session.scalar(query, {"name": PEOPLE_SEARCH_INDEX}) is not None


def _queue_ids() -> dict[str, dict[str, object]]:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == dataset.SLUG))
    chapter = db.session.scalar(
        select(Chapter).where(Chapter.consultation_id == consultation.id, Chapter.number == 3)
    )
    profile = db.session.scalar(select(Profile).where(Profile.code == "etablissement"))
    theme = db.session.scalar(select(Theme).where(Theme.consultation_id == consultation.id))
    first_day = to_paris(consultation.opens_at + timedelta(days=3)).date()
    filters = {
        "concertation": consultation.id,
        "chapitre": chapter.id,
        "profil": profile.id,
        "canal": "web",
        "du": first_day.isoformat(),
        "au": (first_day + timedelta(days=2)).isoformat(),
    }
    return {
        "queue, to moderate, page 1": {},
        f"queue, to moderate, page {DEEP_PAGE + 1:,} (cursor)": {"apres": _deep_cursor()},
        "queue, 6 filters": filters,
        f"{SEARCH_ROW} « {queue_dataset.SEARCHED_TERM} »": {"q": queue_dataset.SEARCHED_TERM},
        "queue, published, one theme": {"vue": "publiees", "theme": theme.id},
        "queue, reported": {"vue": "signalees"},
        "queue, unanswered": {"vue": "sans-reponse"},
    }


def _deep_cursor() -> str:
    """The cursor of "Page suivante" after DEEP_PAGE pages, as the queue makes it."""
    row = db.session.scalar(
        select(Contribution)
        .where(Contribution.status == Status.PENDING)
        .order_by(Contribution.submitted_at, Contribution.id)
        .offset(DEEP_PAGE * queue.PAGE_SIZE - 1)
        .limit(1)
    )
    return queue.encode_cursor(row, row.submitted_at)


def _moderator(base_url: str) -> posting.Visitor:
    """The bench moderator signed in, with the second step when the application asks for it."""
    visitor = posting.sign_in(base_url, queue_dataset.MODERATOR_EMAIL)
    answer = visitor.get("/connexion/verification")
    if answer.status == 200:
        code = pyotp.TOTP(queue_dataset.TOTP_SECRET).now()
        form = {**posting.hidden_inputs(answer.text), "code": code}
        body = urlencode(form).encode()
        visitor.send("POST", "/connexion/verification", body, "application/x-www-form-urlencoded")
    return visitor


def _check(visitor: posting.Visitor, path: str) -> None:
    """Once before measuring: the page answers 200 with the queue, not a sign-in page."""
    answer = visitor.get(path)
    if answer.status != 200 or "File de modération" not in answer.text:
        raise RuntimeError(f"the queue answered {answer.status} {answer.location} on {path}")


def _note(database: str, built: queue_dataset.QueueBuilt) -> str:
    return (
        f"Queue dataset on {database}: {built.rows:,} contributions ({built.added:,} added in "
        f"{built.seconds:.0f} s, bulk load {built.rows_per_second:,.0f} rows/s with its indexes), "
        f"{built.answers:,} published answers, {built.open_reports:,} open reports."
    )


NOTE = (
    "*** the moderation queue (/moderation/) read by a signed-in moderator at 1,000,000 "
    "contributions: 'to moderate' (pending, oldest first) at page 1 and after "
    f"{DEEP_PAGE:,} pages of {queue.PAGE_SIZE}; six filters at once (consultation, chapter, "
    "profile, channel, two dates); a French full-text search (on SQLite a LIKE, timed alone); "
    "'published' on one theme; 'reported'; 'unanswered'. Every page also counts its six tabs "
    "(from the contribution tally, or, under a theme, dates or a search, capped: the view shown "
    f"up to {queue_counts.COUNT_CAP:,}, the others up to {queue_counts.TAB_COUNT_CAP:,})."
)
