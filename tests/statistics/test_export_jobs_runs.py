"""Export jobs run by the queue or by cron: once only, after a crash, and purged when old."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from consultation.extensions import db
from consultation.statistics import jobs
from consultation.statistics.models import ExportJob


@pytest.fixture
def queued(make_consultation, make_user, exports_dir):
    """A job asked for and committed, that no consumer has run."""

    def ask() -> ExportJob:
        job, _ = jobs.request_export(make_consultation(), make_user(role="analyst"))
        db.session.commit()
        return job

    return ask


def names(directory) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def test_run_pending_runs_the_queued_jobs_and_records_their_progress(
    cli, queued, exports_dir, fake_writer
):
    job = queued()
    seen = []
    fake_writer.on_progress = lambda done, total: seen.append(
        db.session.execute(
            select(ExportJob.rows_done, ExportJob.rows_total).where(ExportJob.id == job.id)
        ).one()
    )

    result = cli.invoke(args=["export", "run-pending"])

    assert result.exit_code == 0, result.output
    assert "1 classeur(s) généré(s)." in result.output
    assert seen == [(2000, 5000), (4000, 5000), (5000, 5000)]
    db.session.refresh(job)
    assert (job.status, job.rows_done, job.rows_total, job.size) == ("done", 5000, 5000, 300)
    assert job.expires_at == job.finished_at + timedelta(hours=72)
    assert names(exports_dir) == [f"{job.token}.xlsx"]


def test_the_writer_works_in_a_folder_of_its_own_beside_the_exports(
    queued, exports_dir, fake_writer
):
    job = queued()

    jobs.run_export(job.id)

    (path,) = fake_writer.calls
    assert path.name == f"{job.token}.xlsx"
    assert path.parent.parent == exports_dir
    assert path.parent.name.startswith(f".{job.token}.")


def test_running_the_same_job_twice_writes_one_file(cli, queued, exports_dir, fake_writer):
    job = queued()

    first = jobs.run_export(job.id)
    second = jobs.run_export(job.id)
    result = cli.invoke(args=["export", "run-pending"])

    assert (first, second) == (True, False)
    assert "0 classeur(s) généré(s)." in result.output
    assert len(fake_writer.calls) == 1
    assert names(exports_dir) == [f"{job.token}.xlsx"]


def test_a_job_left_running_by_a_crash_is_run_again_later_into_one_file(
    cli, clock, queued, exports_dir, fake_writer
):
    job = queued()
    job.status, job.started_at, job.rows_done = "running", clock.now(), 2000
    db.session.commit()
    leftover = exports_dir / f".{job.token}.0badc0de.part"
    leftover.mkdir(parents=True)
    (leftover / f"{job.token}.xlsx").write_bytes(b"half a workbook")

    too_soon = cli.invoke(args=["export", "run-pending"])
    clock.advance(minutes=121)
    later = cli.invoke(args=["export", "run-pending"])

    assert "0 classeur(s) généré(s)." in too_soon.output
    assert "1 classeur(s) généré(s)." in later.output
    db.session.refresh(job)
    assert (job.status, job.rows_done) == ("done", 5000)
    assert names(exports_dir) == [f"{job.token}.xlsx"]


def test_a_failing_writer_leaves_a_failed_job_and_no_file(queued, exports_dir, fake_writer):
    job = queued()
    fake_writer.fail_after = 2000

    assert jobs.run_export(job.id) is False

    db.session.refresh(job)
    assert job.status == "failed"
    assert job.error.startswith("La génération du classeur a échoué.")
    assert "No space left on device" in job.error
    assert job.finished_at is not None
    assert names(exports_dir) == []
    assert jobs.run_export(job.id) is False  # a failed job is asked for again, not retried


def test_a_run_that_lost_its_claim_leaves_the_job_to_the_later_run(
    clock, queued, exports_dir, fake_writer
):
    job = queued()

    def crash_then_rerun(done: int, total: int) -> None:
        if done == 2000 and len(fake_writer.calls) == 1:
            clock.advance(minutes=121)  # this run is taken for crashed and run again
            assert jobs.run_export(job.id) is True

    fake_writer.on_progress = crash_then_rerun

    assert jobs.run_export(job.id) is False  # its folder went with its claim

    db.session.refresh(job)
    assert (job.status, job.error, job.finished_at) == ("done", None, clock.now())
    assert len(fake_writer.calls) == 2
    assert names(exports_dir) == [f"{job.token}.xlsx"]


def test_purge_deletes_expired_and_unknown_files_and_keeps_the_rest(
    cli, clock, queued, exports_dir, fake_writer
):
    old, fresh = queued(), queued()
    jobs.run_export(old.id)
    clock.advance(hours=48)
    jobs.run_export(fresh.id)
    stray = exports_dir / f"{'s' * 43}.xlsx"
    stray.write_bytes(b"no job owns me")
    orphan_work = exports_dir / f".{old.token}.12345678.part"
    orphan_work.mkdir()
    for kept in ("README.md", ".gitkeep", "notes.txt"):
        (exports_dir / kept).write_text("kept")
    clock.advance(hours=25)

    result = cli.invoke(args=["export", "purge"])

    assert result.exit_code == 0, result.output
    assert "1 classeur(s) supprimé(s)." in result.output
    db.session.refresh(old)
    db.session.refresh(fresh)
    assert (old.status, fresh.status) == ("expired", "done")
    assert names(exports_dir) == sorted(
        [".gitkeep", "README.md", f"{fresh.token}.xlsx", "notes.txt"]
    )
    assert "0 classeur(s) supprimé(s)." in cli.invoke(args=["export", "purge"]).output


def test_purge_keeps_the_file_and_folder_of_a_job_being_made(
    clock, queued, exports_dir, fake_writer
):
    job = queued()
    seen = []
    fake_writer.on_progress = lambda done, total: seen.append((jobs.purge(), names(exports_dir)))

    jobs.run_export(job.id)

    assert seen[0][0] == 0
    assert all(any(name.startswith(f".{job.token}.") for name in kept) for _, kept in seen)
    assert names(exports_dir) == [f"{job.token}.xlsx"]
