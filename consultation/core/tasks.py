"""The task queue: work that outlives a request runs in a Huey consumer beside the web server.

Huey keeps its queue in a SQLite file of the instance folder by default and in Redis when
REDIS_URL is set. A domain declares a job with `@job("domain:verb")` (not dotted like the audit
codes) and the web enqueues it with `enqueue("domain:verb", *args)`. The queue only says "run
this now": the state of the work lives in the database, so every job is also a `flask` command
(cron) and may run twice safely.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper

QUEUE_NAME = "concertation"

#: Jobs by name, filled by the domains' `@job` decorators when create_app imports them.
_jobs: dict[str, Callable[..., Any]] = {}
_schedules: dict[str, Callable[[datetime], bool]] = {}

logger = logging.getLogger(__name__)


def job(
    name: str, schedule: Callable[[datetime], bool] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a function the consumer may run by name; its arguments must be picklable.

    With a `schedule` (huey's `crontab(...)`), the consumer also runs it on its own, without
    arguments; cron can do the same through the job's `flask` command.
    """

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        _jobs[name] = function
        if schedule is not None:
            _schedules[name] = schedule
        return function

    return register


def init_app(app: Flask) -> None:
    """Give the app its queue, once the domains are imported (their `@job`s fill the registry)."""
    app.extensions["tasks"] = runner_for(app, create_huey(app.config, Path(app.instance_path)))


def runner_for(app: Flask, huey: Huey) -> TaskWrapper:
    """Register on `huey` the tasks that run the declared jobs in an app context of `app`.

    Returns the one task every job goes through, `run_job(name, *args)`; the scheduled jobs
    get a periodic task each.
    """

    def run(name: str, *args: Any) -> Any:
        with app.app_context():
            return _jobs[name](*args)

    for name, schedule in _schedules.items():
        huey.periodic_task(schedule, name=f"scheduled:{name}")(_scheduled(run, name))
    return huey.task(name="run_job")(run)


def _scheduled(run: Callable[..., Any], name: str) -> Callable[[], Any]:
    def run_scheduled() -> Any:
        return run(name)

    return run_scheduled


def create_huey(config: Mapping[str, Any], instance_path: Path) -> Huey:
    """Redis when REDIS_URL is set, else a SQLite file; in memory and at once when immediate.

    Tests run tasks at once unless they ask otherwise, so that none lands in a real queue.
    """
    if config.get("HUEY_IMMEDIATE", bool(config.get("TESTING"))):
        return MemoryHuey(QUEUE_NAME, immediate=True, results=False)
    if config.get("REDIS_URL"):
        return RedisHuey(QUEUE_NAME, url=str(config["REDIS_URL"]), results=False)
    path = config.get("HUEY_SQLITE_PATH") or instance_path / "huey.sqlite3"
    return SqliteHuey(QUEUE_NAME, filename=str(path), results=False)


def queue(app: Flask | None = None) -> Huey:
    """The Huey instance of the app (the current one by default)."""
    return runner(app).huey


def runner(app: Flask | None = None) -> TaskWrapper:
    return (app or current_app).extensions["tasks"]


def enqueue(name: str, *args: Any) -> None:
    """Ask the consumer to run job `name`; unknown names fail here, not in the consumer."""
    if name not in _jobs:
        raise KeyError(f"no job named {name!r}")
    runner()(name, *args)


tasks_group = AppGroup("tasks", help="Travaux en arrière-plan (classeurs…).")


@tasks_group.command("consume")
@click.option("--workers", type=int, default=None, help="Travaux menés en parallèle.")
def consume(workers: int | None) -> None:
    """Exécuter les travaux demandés, au fil de l’eau (à lancer à côté du serveur web)."""
    huey = queue()
    if huey.immediate:
        raise click.ClickException("HUEY_IMMEDIATE est activé : les travaux s’exécutent déjà.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    count = workers or int(current_app.config.get("HUEY_WORKERS", 2))
    huey.create_consumer(workers=count, worker_type="thread").run()
