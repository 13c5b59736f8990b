"""The Alembic revisions build exactly the schema that the models describe, on every database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from consultation import create_app
from consultation.core.schema import comparable_objects
from consultation.extensions import db
from tests.conftest import BACKENDS, TEST_DATABASE_URL, app_config
from tests.factories import psycopg_url


@contextmanager
def empty_database(backend: str, tmp_path) -> Iterator[str]:
    """A brand-new empty database, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    server = make_url(psycopg_url(TEST_DATABASE_URL))
    name = f"concertation_migrations_{uuid.uuid4().hex[:12]}"
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        include = comparable_objects(connection.dialect.name)
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include}
        )
        return compare_metadata(context, db.metadata)


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrading_an_empty_database_gives_the_models_schema(backend, tmp_path):
    with empty_database(backend, tmp_path) as url:
        app = create_app(app_config(url))
        runner = app.test_cli_runner()

        result = runner.invoke(args=["db", "upgrade"])

        assert result.exit_code == 0, result.output
        assert schema_differences(app) == []
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_revision_downgrades_cleanly(backend, tmp_path):
    with empty_database(backend, tmp_path) as url:
        app = create_app(app_config(url))
        runner = app.test_cli_runner()
        runner.invoke(args=["db", "upgrade"])

        result = runner.invoke(args=["db", "downgrade", "base"])

        assert result.exit_code == 0, result.output
        with app.app_context():
            assert inspect(db.engine).get_table_names() == ["alembic_version"]
            db.engine.dispose()
