"""The task queue behind the exports: which Huey, a real Redis, a real SQLite queue and database."""

from __future__ import annotations

import os
import sqlite3
import uuid
from datetime import datetime

import pytest
from flask_migrate import upgrade
from huey import MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import select

from consultation import config as settings
from consultation import create_app
from consultation.accounts.models import Profile
from consultation.core import tasks
from consultation.extensions import db
from consultation.statistics import jobs
from consultation.statistics.models import ExportJob
from tests import factories
from tests.conftest import app_config

#: A database of the local Redis that no one else uses; emptied of this test's keys at the end.
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def test_redis_is_chosen_when_redis_url_is_set(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", REDIS_TEST_URL)
    monkeypatch.setenv("SECRET_KEY", "test")
    config = settings.from_environment(tmp_path)

    huey = tasks.create_huey(config, tmp_path)

    assert isinstance(huey, RedisHuey)
    assert not huey.immediate


def test_a_sqlite_file_of_the_instance_folder_is_the_default_queue(monkeypatch, tmp_path):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "test")
    config = settings.from_environment(tmp_path)

    huey = tasks.create_huey(config, tmp_path)

    assert isinstance(huey, SqliteHuey)
    assert config["HUEY_SQLITE_PATH"] == str(tmp_path / "huey.sqlite3")
    assert config["EXPORT_RETENTION_HOURS"] == 72


def test_tests_run_their_tasks_at_once_in_memory(app, cli):
    huey = tasks.queue(app)

    result = cli.invoke(args=["tasks", "consume"])

    assert isinstance(huey, MemoryHuey) and huey.immediate
    assert result.exit_code != 0
    assert "HUEY_IMMEDIATE est activé" in result.output


def test_the_consumer_purges_every_hour_and_catches_up_every_five_minutes(app):
    huey = tasks.queue(app)

    def due(hour: int, minute: int) -> set[str]:
        moment = datetime(2026, 3, 2, hour, minute)  # noqa: DTZ001 - huey's scheduler: naive UTC
        tasks_due = huey.read_periodic(moment)
        return {type(task).__name__ for task in tasks_due}

    assert due(10, 17) == {"scheduled:export:purge"}
    assert due(10, 20) == {"scheduled:export:run-pending"}
    assert due(10, 21) == set()


@pytest.fixture
def redis_queue(app, monkeypatch):
    """The session app's jobs queued in a real Redis, under a name of this test only."""
    huey = RedisHuey(f"concertation-test-{uuid.uuid4().hex}", url=REDIS_TEST_URL, results=False)
    monkeypatch.setitem(app.extensions, "tasks", tasks.runner_for(app, huey))
    yield huey
    huey.flush()
    huey.storage.conn.close()


def test_a_request_goes_through_redis_to_the_consumer(
    client, login, make_consultation, exports_dir, fake_writer, redis_queue
):
    consultation = make_consultation()
    login(role="analyst")

    response = client.post(f"/analyse/{consultation.slug}/exports")

    job = db.session.scalars(select(ExportJob)).one()
    assert response.status_code == 302
    assert (job.status, redis_queue.pending_count()) == ("queued", 1)

    redis_queue.execute(redis_queue.dequeue())  # what the consumer does with the message

    db.session.refresh(job)
    assert (job.status, redis_queue.pending_count()) == ("done", 0)
    assert [path.name for path in exports_dir.iterdir()] == [f"{job.token}.xlsx"]


@pytest.fixture
def own_app(tmp_path):
    """An app of its own on a SQLite file, committing for real, with the default SQLite queue."""
    database = tmp_path / "concertation.sqlite3"
    app = create_app(
        app_config(
            f"sqlite:///{database}",
            HUEY_IMMEDIATE=False,
            HUEY_SQLITE_PATH=str(tmp_path / "huey.sqlite3"),
            EXPORTS_DIR=str(tmp_path / "exports"),
        )
    )
    with app.app_context():
        upgrade()
        yield app, database
        db.session.remove()
        db.engine.dispose()


def test_a_running_export_shows_its_progress_to_others_and_lets_them_write(own_app, monkeypatch):
    app, database = own_app
    job = jobs.request_export(factories.make_consultation(), factories.make_user(role="analyst"))[0]
    job_id = job.id
    db.session.commit()  # and no transaction left open: the consumer is another process
    tasks.enqueue("export:run", job_id)
    seen = []

    def streaming_writer(consultation, path, progress) -> int:
        """Like the workbook: one long streamed read, progress between batches."""
        rows = db.session.execute(select(Profile.id).execution_options(yield_per=1))
        for done, _ in enumerate(rows, start=1):
            progress(done, 7)
            seen.append(_another_connection(database))
        path.write_bytes(b"classeur")
        return done

    monkeypatch.setitem(jobs.WRITERS, jobs.WORKBOOK, streaming_writer)
    huey = tasks.queue(app)
    assert huey.pending_count() == 1

    huey.execute(huey.dequeue())

    assert seen == [(done, 7) for done in range(1, 8)]
    db.session.refresh(job)
    assert (job.status, job.rows_done) == ("done", 7)


def _another_connection(database) -> tuple[int, int]:
    """What a page in another process reads; and a write that must not wait for the export."""
    with sqlite3.connect(database, timeout=1, isolation_level=None) as connection:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE profile SET position = position")
        connection.execute("COMMIT")
        return connection.execute("SELECT rows_done, rows_total FROM export_job").fetchone()
