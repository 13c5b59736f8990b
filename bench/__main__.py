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

from bench import dataset, load
from bench.servers import WORKERS, gunicorn, peak_rss_mib

PAGES = {
    "home": "/",
    "consultation": f"/consultations/{dataset.SLUG}",
    "chapter": f"/consultations/{dataset.SLUG}/chapitres/1",
}
WARM_UP_SECONDS = 1


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
    rows = [_hello_world()]
    with tempfile.TemporaryDirectory(prefix="concertation-bench-") as folder:
        for name, database_url in _databases(Path(folder)):
            print(f"Building the dataset on {name}…", file=sys.stderr)
            dataset.build(database_url)
            rows.extend(_pages(name, database_url))
    print(render_table(rows))
    print(f"Load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.")


def _databases(folder: Path) -> list[tuple[str, str]]:
    databases = [("sqlite", f"sqlite:///{folder / 'bench.sqlite3'}")]
    postgresql = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if postgresql:
        databases.append(
            ("postgresql", postgresql.replace("postgresql://", "postgresql+psycopg://", 1))
        )
    return databases


def _hello_world() -> Row:
    with gunicorn("bench.hello:app", {}) as (base_url, master_pid):
        return Row("-", "hello-world", _measure(base_url + "/"), peak_rss_mib(master_pid))


def _pages(database: str, database_url: str) -> list[Row]:
    environment = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only",
        "CONCERTATION_ENV": "production",
    }
    rows = []
    with gunicorn("wsgi:app", environment) as (base_url, master_pid):
        for page, path in PAGES.items():
            result = _measure(base_url + path)
            rows.append(Row(database, page, result, peak_rss_mib(master_pid)))
    return rows


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


if __name__ == "__main__":
    main()
