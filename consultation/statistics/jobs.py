"""Workbooks generated in the background: requested on the web, run by the queue or by cron,
kept in the exports folder under an unguessable name for a while, then purged.

The database holds the state of every export; the task queue only says "run job N now". So the
same job may be run by the consumer, by `flask export run-pending` or by both at once: a run
first claims the job with one conditional UPDATE, and only the run holding the claim writes the
file, under the job's single name. `request_export` is a service (the caller commits);
`run_export`, `run_pending` and `purge` are jobs and own their transactions.
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from huey import crontab
from sqlalchemy import Connection, and_, or_, select, update

from consultation.accounts.models import User
from consultation.config import ROOT
from consultation.core import audit, tasks
from consultation.core.clock import now
from consultation.core.errors import Refused
from consultation.extensions import db, reading_only
from consultation.publication.models import Consultation
from consultation.statistics import workbook
from consultation.statistics.models import ExportJob

QUEUED, RUNNING, DONE, FAILED, EXPIRED = "queued", "running", "done", "failed", "expired"
STATUS_LABELS = {
    QUEUED: "En attente",
    RUNNING: "En cours",
    DONE: "Prêt",
    FAILED: "Échec",
    EXPIRED: "Supprimé",
}
WORKBOOK = "workbook"
#: What writes each kind of export: writer(consultation, path, progress) -> rows written.
WRITERS: dict[str, Callable[..., int]] = {WORKBOOK: workbook.write_workbook}

#: Names this module gives in the exports folder; nothing else there is ever touched.
FILE_NAME = re.compile(r"([A-Za-z0-9_-]{43})\.xlsx")
WORK_DIR_NAME = re.compile(r"\.([A-Za-z0-9_-]{43})\.[0-9a-f]{8}\.part")

logger = logging.getLogger(__name__)


def exports_dir() -> Path:
    """EXPORTS_DIR made absolute: send_file would read a relative path from the package."""
    return Path(current_app.config.get("EXPORTS_DIR") or ROOT / "exports").resolve()


def file_path(job: ExportJob) -> Path:
    return exports_dir() / f"{job.token}.xlsx"


def request_export(consultation: Consultation, user: User) -> tuple[ExportJob, bool]:
    """A new queued workbook job, or the one already waiting or running (then False)."""
    pending = db.session.scalar(
        select(ExportJob)
        .where(ExportJob.consultation_id == consultation.id)
        .where(ExportJob.kind == WORKBOOK, ExportJob.status.in_((QUEUED, RUNNING)))
        .order_by(ExportJob.id.desc())
        .limit(1)
    )
    if pending is not None:
        return pending, False
    job = ExportJob(
        token=secrets.token_urlsafe(32),
        consultation=consultation,
        kind=WORKBOOK,
        status=QUEUED,
        requested_by=user,
    )
    db.session.add(job)
    db.session.flush()
    audit.record("export.request", job, label=label(job), after={"consultation": consultation.slug})
    return job, True


def recent_jobs(consultation: Consultation, limit: int = 20) -> list[ExportJob]:
    query = select(ExportJob).where(ExportJob.consultation_id == consultation.id)
    return list(db.session.scalars(query.order_by(ExportJob.id.desc()).limit(limit)))


def downloadable(token: str) -> ExportJob | None:
    """The finished, unexpired job of this token whose file is there; None otherwise."""
    job = db.session.scalar(select(ExportJob).where(ExportJob.token == token))
    return job if job is not None and is_downloadable(job) else None


def is_downloadable(job: ExportJob) -> bool:
    if job.status != DONE or job.expires_at is None or job.expires_at <= now():
        return False
    return file_path(job).is_file()


def label(job: ExportJob) -> str:
    return f"Classeur de synthèse — {job.consultation.title}"


@tasks.job("export:run")
def run_export(job_id: int) -> bool:
    """Write the file of a queued job (or of one whose run crashed); False when not this run's.

    The claim is committed before the long read begins, so that a second run of the same job
    finds it taken and does nothing. The finished file is renamed into place in one step.
    """
    claimed_at = _claim(job_id)
    if claimed_at is None:
        return False
    work_dir = _work_dir(job_id)
    try:
        rows, finished = _write(job_id, claimed_at, work_dir)
        size = finished.stat().st_size
        finished.replace(exports_dir() / finished.name)
    except Exception as error:  # whatever happened, the job ends failed, told in French
        logger.exception("export %s failed", job_id)
        _end(job_id, claimed_at, status=FAILED, error=failure_message(error))
        return False
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    expires_at = now() + timedelta(hours=_setting("EXPORT_RETENTION_HOURS", 72))
    _end(job_id, claimed_at, status=DONE, size=size, expires_at=expires_at, **_rows(rows))
    return True


@tasks.job("export:run-pending", schedule=crontab(minute="*/5"))
def run_pending() -> int:
    """Run every queued export, and every one left running past EXPORT_STALE_MINUTES (a crash)."""
    query = select(ExportJob.id).where(_claimable(now())).order_by(ExportJob.id)
    job_ids = list(db.session.scalars(query))
    db.session.rollback()
    return sum(run_export(job_id) for job_id in job_ids)


@tasks.job("export:purge", schedule=crontab(minute="17"))
def purge() -> int:
    """Expire the workbooks past their retention and delete every file no live job owns.

    Returns how many jobs expired. The statuses are committed before any file goes, so that a
    crash in between leaves files that the next purge deletes, never a job without its file.
    """
    at = now()
    expired = db.session.scalars(
        select(ExportJob).where(ExportJob.status == DONE, ExportJob.expires_at <= at)
    ).all()
    for job in expired:
        job.status = EXPIRED
    db.session.commit()
    _sweep(at)
    return len(expired)


def failure_message(error: Exception) -> str:
    if isinstance(error, Refused):
        return error.message
    detail = f"{type(error).__name__} : {error}"[:300]
    return (
        "La génération du classeur a échoué. Demandez-en un nouveau ; si l’échec se répète, "
        f"transmettez ce message à l’équipe technique : {detail}"
    )


def percent(job: ExportJob) -> int | None:
    """How far the job is, from 0 to 100; None while the number of rows is not known yet."""
    if job.status == DONE:
        return 100
    if not job.rows_total:
        return None
    return min(100, job.rows_done * 100 // job.rows_total)


def _claim(job_id: int) -> datetime | None:
    """Mark the job running in one conditional UPDATE, committed; None when it is not claimable."""
    at = now()
    result = db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == job_id, _claimable(at))
        .values(status=RUNNING, started_at=at, finished_at=None, rows_done=0, error=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return at if result.rowcount == 1 else None


def _claimable(at: datetime):
    stale_before = at - timedelta(minutes=_setting("EXPORT_STALE_MINUTES", 120))
    crashed = and_(ExportJob.status == RUNNING, ExportJob.started_at < stale_before)
    return or_(ExportJob.status == QUEUED, crashed)


def _work_dir(job_id: int) -> Path:
    """A fresh folder for this run, beside the final file (one rename), after its crashed ones."""
    token = db.session.scalar(select(ExportJob.token).where(ExportJob.id == job_id))
    db.session.rollback()
    for leftover in exports_dir().glob(f".{token}.*.part"):
        shutil.rmtree(leftover, ignore_errors=True)
    work_dir = exports_dir() / f".{token}.{secrets.token_hex(4)}.part"
    work_dir.mkdir(parents=True)
    return work_dir


def _write(job_id: int, claimed_at: datetime, work_dir: Path) -> tuple[int, Path]:
    """Write the file in `work_dir` from one long read that takes no write lock (SQLite)."""
    try:
        with reading_only():
            job = db.session.get_one(ExportJob, job_id)
            path = work_dir / f"{job.token}.xlsx"
            rows = WRITERS[job.kind](job.consultation, path, _progress(job_id, claimed_at))
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()  # ends the read (it wrote nothing) before the job's own writes
    return rows, path


def _progress(job_id: int, claimed_at: datetime) -> Callable[[int, int], None]:
    """Record progress in a short transaction of its own, committed at once for the page."""

    def progress(done: int, total: int) -> None:
        with _short_transaction() as connection:
            connection.execute(
                update(ExportJob)
                .where(ExportJob.id == job_id, ExportJob.started_at == claimed_at)
                .values(rows_done=done, rows_total=total)
            )

    return progress


@contextmanager
def _short_transaction() -> Iterator[Connection]:
    """A connection of its own in production; a savepoint when the session is bound to one
    connection (the tests' rolled-back transaction), where another connection would not see
    the job or would wait for its lock."""
    bind = db.session.get_bind()
    with reading_only(False):
        if isinstance(bind, Connection):
            with bind.begin_nested():
                yield bind
        else:
            with bind.begin() as connection:
                yield connection


def _end(job_id: int, claimed_at: datetime, **values: object) -> None:
    """Record how the run ended, unless a later run has claimed the job since (then it owns it)."""
    db.session.rollback()
    db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.status == RUNNING)
        .where(ExportJob.started_at == claimed_at)
        .values(finished_at=now(), **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _sweep(at: datetime) -> None:
    """Delete the files and work folders of jobs that are not live any more (or are unknown)."""
    directory = exports_dir()
    if not directory.is_dir():
        return
    fresh = and_(ExportJob.status == DONE, ExportJob.expires_at > at)
    live = _tokens(or_(ExportJob.status.in_((QUEUED, RUNNING)), fresh))
    running = _tokens(ExportJob.status == RUNNING)
    for path in directory.iterdir():
        if (match := FILE_NAME.fullmatch(path.name)) and match[1] not in live:
            path.unlink(missing_ok=True)
        elif (match := WORK_DIR_NAME.fullmatch(path.name)) and match[1] not in running:
            shutil.rmtree(path, ignore_errors=True)


def _tokens(condition) -> set[str]:
    return set(db.session.scalars(select(ExportJob.token).where(condition)))


def _rows(count: int) -> dict[str, int]:
    return {"rows_done": count, "rows_total": count}


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))
