"""Browser fixtures: the test app served on a free local port, driven through Debian's Chromium.

The server answers from its own threads, so it cannot see a test's rolled-back transaction:
browser tests commit their data with `seed`, and every row is deleted once the test is over.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest
from sqlalchemy import text
from werkzeug.serving import WSGIRequestHandler, make_server

from consultation.extensions import db
from tests.conftest import SEEDED_TABLES

T = TypeVar("T")

#: Playwright's own browser builds cannot be downloaded here: Debian's chromium is used instead.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietRequestHandler(WSGIRequestHandler):
    """No line per request: a failing test's report shows the page, not every asset loaded."""

    def log_request(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The base URL of the test app, served by werkzeug in a thread on a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_server: str) -> dict:
    """Contexts enforce the application's Content-Security-Policy unless a test says otherwise."""
    return {**browser_context_args, "base_url": live_server, "locale": "fr-FR"}


@pytest.fixture
def axe_page(new_context):
    """A page whose context ignores the CSP, the only way to inject axe-core into it."""
    return new_context(bypass_csp=True).new_page()


@pytest.fixture(autouse=True)
def empty_database_afterwards(app) -> Iterator[None]:
    yield
    with app.app_context():
        db.session.rollback()
        with audit_trail_erasable():
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in SEEDED_TABLES:
                    db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


@contextmanager
def audit_trail_erasable() -> Iterator[None]:
    """Lift the audit trail's append-only triggers while a test empties the database.

    PostgreSQL disables them for the transaction (ALTER TABLE is transactional there), and
    only them: foreign keys keep cascading, so that the tallies of what is deleted go with it.
    SQLite has no such switch: its triggers are dropped and created again from their own stored
    definitions.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        yield
        db.session.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
        return
    triggers = db.session.execute(
        text(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'trigger' AND tbl_name = 'audit_event'"
        )
    ).all()
    for name, _ in triggers:
        db.session.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _, definition in triggers:
        db.session.execute(text(definition))


@pytest.fixture
def seed(app, clock) -> Callable[[Callable[[], T]], T]:
    """Run a builder in an app context and commit, so that the live server sees its rows.

    The builder returns plain values (paths, titles): ORM objects expire once committed.
    """

    def run(build: Callable[[], T]) -> T:
        with app.app_context():
            result = build()
            db.session.commit()
            db.session.remove()
            return result

    return run
