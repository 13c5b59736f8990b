"""Test fixtures: one schema per database per session, one rolled-back transaction per test.

Every test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set (CI sets it).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession

from consultation import create_app
from consultation.core import clock as clock_module
from consultation.core.schema import SQLITE_SEARCH_TABLE
from consultation.extensions import db, limiter
from tests import factories
from tests.smtp import smtp_controller, smtp_server  # noqa: F401 - the real SMTP server

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite", "postgresql"] if TEST_DATABASE_URL else ["sqlite"]
#: Rows the migrations seed; they stay between tests (browser tests empty every other table).
SEEDED_TABLES = frozenset({"profile"})
#: Tests start at this moment unless they move the clock.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def app_config(database_url: str, **overrides: object) -> dict[str, object]:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ANTISPAM_ENABLED": False,
        "SERVER_NAME": "concertation.test",
        "SITE_URL": "http://concertation.test",
    }
    config.update(overrides)
    return config


def database_url_for(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if backend == "postgresql":
        return factories.psycopg_url(TEST_DATABASE_URL)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session", params=BACKENDS)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    app = create_app(app_config(database_url_for(request.param, tmp_path_factory)))
    app.test_client_class = OwnSessionClient
    with app.app_context():
        _drop_everything()
        upgrade()  # the schema the migrations build, with their seeded rows (profiles)
    yield app
    with app.app_context():
        db.session.remove()
        _drop_everything()
        db.engine.dispose()


class OwnSessionClient(FlaskClient):
    """A test client whose requests find the signed-in user from their own cookie.

    Requests reuse the test's app context, where Flask-Login caches the last user it loaded:
    without this, a second client (another device) would be taken for the first one.
    """

    def open(self, *args: object, **kwargs: object):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


def _drop_everything() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SQLITE_SEARCH_TABLE}")
        if connection.dialect.name == "postgresql":
            # A function outlives the table of its trigger: the next upgrade would trip on it.
            connection.exec_driver_sql("DROP FUNCTION IF EXISTS audit_event_refuse_change()")


@pytest.fixture
def storage_dir(app, tmp_path):
    """A private storage folder for the test's attachments; gives the attachments' folder."""
    previous = app.config.get("STORAGE_DIR")
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    yield tmp_path / "storage" / "attachments"
    app.config["STORAGE_DIR"] = previous


@pytest.fixture
def database(app):
    """A session bound to one connection whose transaction is rolled back after the test.

    Views and commands commit as usual: their commits end savepoints inside that transaction.
    """
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        options = {"bind": connection, "join_transaction_mode": "create_savepoint"}
        db.session = db._make_scoped_session({**options, "class_": _BoundSession})
        try:
            yield db
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


class _BoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session picks an engine per model and would bypass the test connection."""

    def get_bind(self, *args: object, **kwargs: object):
        return self.bind


@pytest.fixture
def client(app, database):
    return app.test_client()


@pytest.fixture
def cli(app, database):
    return app.test_cli_runner()


@pytest.fixture
def clock():
    """The application clock, frozen at START; tests move it with clock.advance(days=…)."""

    class Clock:
        def set(self, at: datetime) -> None:
            clock_module.freeze(at)

        def advance(self, **delta: float) -> None:
            clock_module.advance(timedelta(**delta))

        def now(self) -> datetime:
            return clock_module.now()

    clock_module.freeze(START)
    yield Clock()
    clock_module.unfreeze()


@pytest.fixture
def make_consultation(database, clock):
    return factories.make_consultation


@pytest.fixture
def make_batch(database, clock):
    return factories.make_batch


@pytest.fixture
def make_chapter(database, clock):
    return factories.make_chapter


@pytest.fixture
def make_contribution(database, clock):
    return factories.make_contribution


@pytest.fixture
def make_inbound_message(database, clock):
    return factories.make_inbound_message


@pytest.fixture
def make_user(database):
    return factories.make_user


@pytest.fixture
def login(client, make_user):
    """Sign a user in through the login form, staff with their second factor; returns the user."""

    def sign_in(role: str = "contributor", **overrides):
        user = make_user(role=role, password=factories.PASSWORD, **overrides)
        response = client.post(
            "/connexion", data={"email": user.email, "password": factories.PASSWORD}
        )
        assert response.status_code == 302, response.text
        if user.is_staff:  # then the second factor, through its page, as staff do
            code = factories.totp_code(user.email)
            response = client.post("/connexion/verification", data={"code": code})
            assert response.status_code == 302, response.text
            assert not response.location.startswith("/connexion"), response.location
        return user

    return sign_in


@pytest.fixture
def rate_limited_app(tmp_path):
    """An app of its own, on SQLite, with rate limits on; the shared limiter is switched back off.

    Flask-Limiter is one object for every app, so the session app cannot turn it on for one test.
    """
    was_enabled = limiter.enabled
    database_url = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
    app = create_app(
        app_config(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    )
    with app.app_context():
        upgrade()
    limiter.reset()
    yield app
    limiter.reset()
    limiter.enabled = was_enabled
