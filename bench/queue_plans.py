"""The PostgreSQL plans of the queue pages of the bench: `python -m bench.queue_plans URL`.

For each page of `bench/queue.py`, the statements the queue runs (the page, then the counts of
the tabs) are captured as the application sends them, then run again under
`EXPLAIN (ANALYZE, BUFFERS)`: run it on a bench database after `make bench` to check that every
shape reads an index and how long it takes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

import psycopg
from flask import request
from sqlalchemy import event

from bench import queue as queue_bench
from bench.dataset import bench_app
from consultation.extensions import db
from consultation.moderation import queue, queue_counts
from consultation.moderation.queue_forms import QueueFilterForm

STATEMENT_TIMEOUT = "60s"


def plans(database_url: str) -> Iterator[str]:
    """The plans, page after page (each statement stopped after STATEMENT_TIMEOUT)."""
    app = bench_app(database_url)
    for page, path in queue_bench.pages(database_url).items():
        with app.test_request_context(path), app.app_context():
            filters = QueueFilterForm(request.args).queue_filter()
            statements = _captured(
                lambda f=filters: (
                    queue.queue_page(f, after=request.args.get("apres")),
                    queue_counts.counts(f),
                )
            )
            yield f"=== {page}: {unquote(urlsplit(path).query)}"
            yield from _explained(statements)
            db.session.remove()


def _captured(run) -> list[tuple[str, object]]:
    """The statements `run` sends on contributions (the page, its rows' needs, the counts), and
    the settings it makes for its transaction."""
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "contribution" in statement or statement.startswith("SET LOCAL"):
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return statements


def _explained(statements: list[tuple[str, object]]) -> Iterator[str]:
    connection = db.engine.raw_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT}'")
            for statement, parameters in statements:
                yield "--- " + " ".join(statement.split())[:300]
                if statement.startswith("SET LOCAL"):
                    cursor.execute(statement)
                    continue
                try:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    yield from (row[0] for row in cursor.fetchall())
                except psycopg.errors.QueryCanceled:
                    yield f"(stopped after {STATEMENT_TIMEOUT})"
                    return
        connection.rollback()
    finally:
        connection.close()


if __name__ == "__main__":
    for line in plans(sys.argv[1].replace("postgresql://", "postgresql+psycopg://", 1)):
        print(line, flush=True)
