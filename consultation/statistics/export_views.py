"""Blueprint "exports": analysts ask for the synthesis workbook, watch it being made, download it.

The workbook is made in the background (statistics.jobs): a large consultation takes minutes,
longer than a request may last. The file is served only to analysts and admins, from an
unguessable address, and every request and download is recorded in the audit trail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from consultation.core import audit, tasks
from consultation.core.clock import now
from consultation.core.dates import to_paris
from consultation.core.roles import Role, roles_required
from consultation.extensions import db
from consultation.publication.services import get_consultation_or_404
from consultation.statistics import jobs
from consultation.statistics.models import ExportJob

bp = Blueprint("exports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Seconds between two automatic reloads of the page while a workbook is being made.
REFRESH_SECONDS = 10
BADGES = {
    jobs.QUEUED: "fr-badge--new",
    jobs.RUNNING: "fr-badge--info",
    jobs.DONE: "fr-badge--success",
    jobs.FAILED: "fr-badge--error",
}

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobLine:
    """One export as the page lists it."""

    job: ExportJob
    status_label: str
    badge: str
    percent: int | None
    rows_text: str
    size_text: str
    download_url: str | None

    @property
    def is_busy(self) -> bool:
        return self.job.status in {jobs.QUEUED, jobs.RUNNING}

    @property
    def is_gone(self) -> bool:
        """Made, then deleted once its retention passed."""
        return self.job.status in {jobs.DONE, jobs.EXPIRED} and self.download_url is None


@bp.get("/analyse/<slug>/exports")
@roles_required(Role.ANALYST)
def index(slug: str):
    consultation = get_consultation_or_404(slug)
    lines = [_line(job) for job in jobs.recent_jobs(consultation)]
    is_busy = any(line.is_busy for line in lines)
    return render_template(
        "statistics/exports.html",
        consultation=consultation,
        lines=lines,
        form=FlaskForm(),
        is_busy=is_busy,
        refresh_seconds=REFRESH_SECONDS if is_busy and request.args.get("suivi") != "non" else 0,
    )


@bp.post("/analyse/<slug>/exports")
@roles_required(Role.ANALYST)
def request_workbook(slug: str):
    consultation = get_consultation_or_404(slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    job, is_new = jobs.request_export(consultation, current_user)
    job_id = job.id  # read before the commit expires it: the job runs with no transaction open
    db.session.commit()
    if not is_new:
        flash("Un classeur de cette consultation est déjà en préparation : le voici.", "info")
    elif _enqueue(job_id):
        flash("Le classeur est en préparation : cette page suit son avancement.", "success")
    return redirect(url_for(".index", slug=slug))


@bp.get("/analyse/exports/<token>.xlsx")
@roles_required(Role.ANALYST)
def download(token: str):
    job = jobs.downloadable(token)
    if job is None:
        abort(404)
    audit.record("export.download", job, label=jobs.label(job))
    db.session.commit()
    response = send_file(
        jobs.file_path(job),
        mimetype=XLSX,
        as_attachment=True,
        download_name=download_name(job),
        conditional=False,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def download_name(job: ExportJob) -> str:
    """synthese-<slug>-<Paris date of the file>.xlsx: readable, and safe in any header."""
    made_at = job.finished_at or now()
    return f"synthese-{job.consultation.slug}-{to_paris(made_at):%Y-%m-%d}.xlsx"


def _enqueue(job_id: int) -> bool:
    """Hand the job to the consumer; when the queue is down, the consumer's periodic catch-up
    (or cron's `flask export run-pending`) runs it later: the job is in the database."""
    try:
        tasks.enqueue("export:run", job_id)
    except Exception:  # the queue's own errors (Redis down, SQLite file locked…)
        logger.exception("export %s could not be queued", job_id)
        flash(
            "La file des travaux ne répond pas : le classeur sera préparé dès qu’elle reprendra.",
            "warning",
        )
        return False
    return True


def _line(job: ExportJob) -> JobLine:
    is_ready = jobs.is_downloadable(job)
    return JobLine(
        job=job,
        status_label=jobs.STATUS_LABELS.get(job.status, job.status),
        badge=BADGES.get(job.status, ""),
        percent=jobs.percent(job),
        rows_text=_rows_text(job),
        size_text=_size_text(job.size) if job.size is not None and is_ready else "",
        download_url=url_for(".download", token=job.token) if is_ready else None,
    )


def _rows_text(job: ExportJob) -> str:
    if job.rows_total is None:
        return ""
    if job.status == jobs.DONE:
        return f"{_number(job.rows_total)} contributions"
    return f"{_number(job.rows_done)} sur {_number(job.rows_total)} contributions"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} ko"
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")
