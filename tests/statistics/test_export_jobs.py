"""Analysts ask for the synthesis workbook on the web, watch it being made and download it."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from consultation.core.audit import AuditEvent
from consultation.extensions import db
from consultation.statistics import jobs
from consultation.statistics.models import ExportJob
from tests.statistics.workbook_scenario import build_scenario


@pytest.fixture
def scenario(database, clock):
    return build_scenario()


def exports_url(consultation) -> str:
    return f"/analyse/{consultation.slug}/exports"


def only_job() -> ExportJob:
    return db.session.scalars(select(ExportJob)).one()


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_analyst_gets_the_real_workbook_in_one_click(client, login, scenario, exports_dir):
    analyst = login(role="analyst")

    response = client.post(exports_url(scenario.consultation))

    assert response.status_code == 302
    job = only_job()
    assert (job.status, job.rows_done, job.rows_total) == ("done", 6, 6)
    assert (job.requested_by, job.kind, len(job.token)) == (analyst, "workbook", 43)
    assert [path.name for path in exports_dir.iterdir()] == [f"{job.token}.xlsx"]
    page = client.get(exports_url(scenario.consultation)).text
    assert "Prêt" in page
    assert f'href="/analyse/exports/{job.token}.xlsx"' in page
    assert 'http-equiv="refresh"' not in page

    download = client.get(f"/analyse/exports/{job.token}.xlsx")

    assert download.status_code == 200
    slug = scenario.consultation.slug
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename=synthese-{slug}-2026-03-02.xlsx"
    )
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype.endswith("spreadsheetml.sheet")
    workbook = openpyxl.load_workbook(io.BytesIO(download.data), read_only=True)
    assert "Contributions" in workbook.sheetnames
    assert [(event.actor_id, event.object_id) for event in events("export.request")] == [
        (analyst.id, str(job.id))
    ]
    assert [(event.actor_id, event.object_id) for event in events("export.download")] == [
        (analyst.id, str(job.id))
    ]


def test_asking_again_while_one_is_being_made_gives_the_same_job(
    client, login, make_consultation, exports_dir, monkeypatch
):
    consultation = make_consultation()
    login(role="admin")
    monkeypatch.setattr(jobs.tasks, "enqueue", lambda *args: None)  # the consumer is away

    first = client.post(exports_url(consultation))
    second = client.post(exports_url(consultation), follow_redirects=True)

    assert first.status_code == 302
    assert only_job().status == "queued"
    assert "déjà en préparation" in second.text
    assert "En attente" in second.text
    assert len(events("export.request")) == 1


def test_the_page_shows_the_progress_and_reloads_itself_until_done(
    client, login, make_consultation, make_user, exports_dir
):
    consultation = make_consultation()
    job, _ = jobs.request_export(consultation, make_user(role="analyst"))
    job.status, job.rows_done, job.rows_total = "running", 12_000, 48_000
    db.session.commit()
    login(role="analyst")

    page = client.get(exports_url(consultation)).text
    quiet = client.get(exports_url(consultation) + "?suivi=non").text

    assert 'max="100" value="25"' in page
    assert "12\u202f000 sur 48\u202f000 contributions" in page
    assert '<meta http-equiv="refresh" content="10">' in page
    assert "Arrêter la mise à jour automatique" in page
    assert 'http-equiv="refresh"' not in quiet
    assert "Actualiser l’avancement" in quiet


def test_a_failed_export_shows_its_reason_in_french_and_no_link(
    client, login, make_consultation, exports_dir, fake_writer
):
    consultation = make_consultation()
    fake_writer.fail_after = 2000
    login(role="analyst")

    client.post(exports_url(consultation))
    page = client.get(exports_url(consultation)).text

    assert only_job().status == "failed"
    assert "Échec" in page
    assert "La génération du classeur a échoué" in page
    assert "/analyse/exports/" not in page
    assert list(exports_dir.iterdir()) == []


@pytest.mark.parametrize("role", ["moderator", "contributor"])
def test_other_roles_can_neither_ask_nor_download(
    client, login, make_consultation, make_user, exports_dir, fake_writer, role
):
    consultation = make_consultation()
    job, _ = jobs.request_export(consultation, make_user(role="analyst"))
    db.session.commit()
    jobs.run_export(job.id)
    login(role=role)

    assert client.get(exports_url(consultation)).status_code == 403
    assert client.post(exports_url(consultation)).status_code == 403
    assert client.get(f"/analyse/exports/{job.token}.xlsx").status_code == 403
    assert len(events("export.request")) == 1
    assert events("export.download") == []


def test_a_visitor_is_sent_to_the_login_page(client, make_consultation, exports_dir):
    consultation = make_consultation()

    response = client.get(exports_url(consultation))

    assert response.status_code == 302
    assert response.location.startswith("/connexion")


def test_an_unknown_or_expired_token_is_not_found(
    client, clock, login, make_consultation, make_user, exports_dir, fake_writer
):
    consultation = make_consultation()
    job, _ = jobs.request_export(consultation, make_user(role="analyst"))
    db.session.commit()
    jobs.run_export(job.id)
    login(role="analyst")
    assert client.get(f"/analyse/exports/{job.token}.xlsx").status_code == 200

    clock.advance(hours=73)

    assert client.get(f"/analyse/exports/{job.token}.xlsx").status_code == 404
    assert client.get(f"/analyse/exports/{'A' * 43}.xlsx").status_code == 404
    assert client.get("/analyse/exports/..%2F..%2Fconcertation.xlsx").status_code == 404
    assert len(events("export.download")) == 1


def test_the_retention_comes_from_the_configuration(
    app, client, login, make_consultation, exports_dir, fake_writer, monkeypatch
):
    monkeypatch.setitem(app.config, "EXPORT_RETENTION_HOURS", 24)
    consultation = make_consultation()
    login(role="analyst")

    client.post(exports_url(consultation))

    job = only_job()
    assert job.expires_at - job.finished_at == timedelta(hours=24)
