"""`make bench`: serve a fixed dataset with gunicorn, load each page, print one table.

Runs on a fresh SQLite file, and on PostgreSQL too when BENCH_DATABASE_URL is set (that
database is emptied: give the bench a database of its own).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench import dataset, diff, export, ingest, load, posting, queue, similarity, statistics
from bench.servers import WORKERS, exceptions_in, gunicorn, peak_rss_mib

WARM_UP_SECONDS = 1
#: The bench server lets every post through: 10 contributions a minute per account would
#: refuse nearly all of them. Said under the table.
SERVER_ENVIRONMENT = {
    "SECRET_KEY": "bench-only",
    "CONCERTATION_ENV": "production",
    "RATELIMIT_ENABLED": "0",
}


@dataclass(frozen=True)
class Row:
    database: str
    page: str
    result: load.Result
    peak_rss_mib: float


def main() -> None:
    print(
        f"Load: {load.GENERATOR}, {load.CONNECTIONS} connections, {load.SECONDS} s per page; "
        f"gunicorn, {WORKERS} sync workers.",
        file=sys.stderr,
    )
    print(f"Load average (1 min) at the start: {os.getloadavg()[0]:.1f}.", file=sys.stderr)
    rows, notes, all_stored = [_hello_world()], [], True
    exports: list[str] = []
    with tempfile.TemporaryDirectory(prefix="concertation-bench-") as folder:
        print(f"Writing a Maildir of {ingest.MESSAGE_COUNT:,} mails…", file=sys.stderr)
        maildir = ingest.build_maildir(Path(folder) / "Maildir")
        for name, database_url in _databases(Path(folder)):
            print(f"Building the dataset on {name}…", file=sys.stderr)
            built = dataset.build(database_url)
            notes.append(_dataset_note(name, built))
            log = Path(folder) / f"gunicorn-{name}.log"
            measured, posted = _serve(name, database_url, built, log)
            rows.extend(measured)
            notes.extend(_server_errors_note(name, log))
            note, is_coherent = _stored_note(name, posted, dataset.stored_posts(database_url))
            notes.append(note)
            row, note, is_complete = _ingestion(name, database_url, maildir, Path(folder))
            rows.append(row)
            notes.append(note)
            all_stored = all_stored and is_coherent and is_complete
            rows.extend(_queue(name, database_url, log, notes))
            notes.extend(_statistics(name, database_url))
            notes.extend(_near_duplicates(name, database_url, Path(folder)))
            exports.extend(_exports(name, database_url, Path(folder)))
    print(render_table(rows))
    print(_posting_note())
    print(_ingestion_note())
    print(queue.NOTE)
    print("\n".join(notes))
    print(export.NOTE)
    print("\n".join(exports))
    print("\n".join(diff.describe(diff.measure())))
    print(f"Load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.")
    if not all_stored:
        sys.exit("The database does not hold exactly the accepted posts: see above.")


def _databases(folder: Path) -> list[tuple[str, str]]:
    databases = [("sqlite", f"sqlite:///{folder / 'bench.sqlite3'}")]
    postgresql = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if postgresql:
        databases.append(
            ("postgresql", postgresql.replace("postgresql://", "postgresql+psycopg://", 1))
        )
    return databases


def pages(built: dataset.Built) -> dict[str, str]:
    consultation = f"/consultations/{dataset.SLUG}"
    chapter = f"{consultation}/chapitres/{dataset.BUSY_CHAPTER}"
    count = f"{built.contributions.published // 1000}k"
    return {
        "home": "/",
        "consultation": consultation,
        f"chapter 1, {count} contributions": chapter,
        "chapter 2, no contribution": f"{consultation}/chapitres/2",
        "list, page 1": f"{chapter}/contributions",
        f"list, page {built.deep_page + 1} (cursor)": (
            f"{chapter}/contributions?apres={quote(built.deep_cursor, safe='')}"
        ),
        "list, one section": f"{chapter}/contributions?section={built.busy_section}",
    }


def _hello_world() -> Row:
    with gunicorn("bench.hello:app", {}) as (base_url, master_pid):
        return Row("-", "hello-world", _measure(base_url + "/"), peak_rss_mib(master_pid))


def _serve(database: str, database_url: str, built: dataset.Built, log: Path):
    """Every page under load, then the posting bench, on one server; the rows and the posting."""
    rows = []
    environment = {**SERVER_ENVIRONMENT, "DATABASE_URL": database_url}
    with gunicorn("wsgi:app", environment, log) as (base_url, master_pid):
        for page, path in pages(built).items():
            result = _measure(base_url + path)
            rows.append(Row(database, page, result, peak_rss_mib(master_pid)))
        print(f"Posting {posting.POSTS} contributions on {database}…", file=sys.stderr)
        form = f"/consultations/{dataset.SLUG}/chapitres/{dataset.BUSY_CHAPTER}/contribuer"
        posted = posting.run(base_url, form, built.sections, dataset.VOCABULARY)
        rows.append(Row(database, "POST contribution *", posted.result, peak_rss_mib(master_pid)))
    return rows, posted


def _measure(url: str) -> load.Result:
    """A short warm-up first: templates compile and connections open outside the measure."""
    load.measure(url, seconds=WARM_UP_SECONDS)
    return load.measure(url)


def render_table(rows: list[Row]) -> str:
    header = ("database", "page", "req/s", "p50 ms", "p99 ms", "errors", "worker peak RSS MiB")
    lines = [
        (
            row.database,
            row.page,
            f"{row.result.requests_per_second:.0f}",
            f"{row.result.p50_ms:.1f}",
            f"{row.result.p99_ms:.1f}",
            str(row.result.error_count),
            f"{row.peak_rss_mib:.0f}",
        )
        for row in rows
    ]
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]
    rendered = [header, tuple("-" * width for width in widths), *lines]
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i > 1 else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in rendered
    )


def _posting_note() -> str:
    return (
        f"* contributions accepted per second: {posting.POSTS} posts of the contribution form "
        f"from {posting.WORKERS} concurrent workers, by {posting.ACCOUNTS} signed-in accounts "
        "(sign-ins and forms fetched beforehand, not timed); errors are refused posts. The "
        "server ran with RATELIMIT_ENABLED=0: its limit of 10 contributions a minute per "
        "account would refuse nearly all of them."
    )


def _ingestion(database: str, database_url: str, maildir: Path, folder: Path):
    """The Maildir taken in by `flask mail ingest`'s code, after the pages and the posts."""
    print(f"Ingesting {ingest.MESSAGE_COUNT:,} mails on {database}…", file=sys.stderr)
    done = ingest.measure(database_url, maildir, folder / f"storage-{database}")
    refused = done.messages - done.stored + done.quarantined
    result = load.Result(done.messages_per_second, done.p50_ms, done.p99_ms, refused)
    row = Row(database, f"ingest Maildir, {done.messages:,} mails **", result, done.peak_rss_mib)
    is_complete = done.stored == done.messages == ingest.MESSAGE_COUNT and not done.quarantined
    note = (
        f"Check on {database}: {done.messages:,} mails read, {done.stored:,} stored "
        f"({'all of them' if is_complete else 'NOT all of them'}), {done.quarantined} "
        f"quarantined, in {done.seconds:.1f} s."
    )
    return row, note, is_complete


def _queue(database: str, database_url: str, log: Path, notes: list[str]) -> list[Row]:
    """The moderation queue at a million contributions (bench/queue.py), before the database
    is emptied for the near-duplicates."""
    print(f"Queue: {database} brought to {queue.TARGET:,} contributions…", file=sys.stderr)
    environment = {**SERVER_ENVIRONMENT, "DATABASE_URL": database_url}
    measured, queue_notes = queue.run(database, database_url, environment, log)
    notes.extend(queue_notes)
    return [Row(database, page, result, rss) for page, result, rss in measured]


def _statistics(database: str, database_url: str) -> list[str]:
    """Every figure at the queue's million contributions (bench/statistics.py), and the recount."""
    print(f"Statistics: {database} recounted, then every figure timed…", file=sys.stderr)
    return statistics.describe(statistics.measure(database, database_url))


def _near_duplicates(database: str, database_url: str, folder: Path) -> list[str]:
    """Grouping near-duplicates (bench/similarity.py), last: it empties the database, and takes a
    SQLite file of its own."""
    if database == "sqlite":
        database_url = f"sqlite:///{folder / 'similar.sqlite3'}"
    print(f"Grouping near-duplicates on {database}…", file=sys.stderr)
    return similarity.describe(similarity.measure(database, database_url))


def _exports(database: str, database_url: str, folder: Path) -> list[str]:
    """The synthesis workbook at each size (bench/export.py), after the near-duplicates: it
    empties the database too, and SQLite gets a file of its own."""
    if database == "sqlite":
        database_url = f"sqlite:///{folder / 'export.sqlite3'}"
    measured, read_back = export.measure(database_url, folder, export.sizes_wanted())
    return export.render(database, measured, read_back)


def _ingestion_note() -> str:
    return (
        f"** mails taken in per second by the code of `flask mail ingest` (store and commit, "
        f"parse, files, acknowledgement, commit) from a Maildir of {ingest.MESSAGE_COUNT:,} "
        f"synthetic mails of about 5 kB, one in {ingest.ATTACHMENT_EVERY} with a small PDF, "
        "in a process of its own; p50/p99: time per mail; errors: mails not stored or "
        "quarantined; memory: peak RSS of that process."
    )


def _dataset_note(database: str, built: dataset.Built) -> str:
    inserted = built.contributions
    return (
        f"Dataset on {database}: {inserted.rows:,} contributions ({inserted.published:,} "
        f"published) on chapter 1 by {built.accounts} accounts, built in {built.seconds:.1f} s "
        f"(migrations included); bulk insert {inserted.rows_per_second:,.0f} rows/s."
    )


def _server_errors_note(database: str, log: Path) -> list[str]:
    """What the server logged when it failed: the bench terminal stays readable."""
    return [
        f"Server error on {database}, {count} times: {line}"
        for line, count in exceptions_in(log).most_common(3)
    ]


def _stored_note(database: str, posted: posting.Posting, stored) -> tuple[str, bool]:
    """Exactly the accepted posts are stored, and the reference counter matches the rows."""
    keys_match = stored.posted_keys == posted.accepted_keys
    references_unique = stored.distinct_references == stored.rows
    counter_matches = stored.last_reference_number == stored.rows
    refusals = ", ".join(f"{status}: {n}" for status, n in sorted(posted.refusals.items()))
    note = (
        f"Check on {database}: {posted.accepted:,} posts accepted"
        f"{f' ({refusals} refused)' if refusals else ''}, {len(stored.posted_keys):,} stored "
        f"({'exactly those' if keys_match else 'NOT the accepted ones'}); "
        f"{stored.rows:,} references, {'all unique' if references_unique else 'DUPLICATES'}; "
        f"counter {stored.last_reference_number:,} "
        f"({'matches' if counter_matches else 'DOES NOT MATCH'})."
    )
    return note, keys_match and references_unique and counter_matches


if __name__ == "__main__":
    main()
