"""Scheduling batches in the back office, and deleting them only while it is harmless."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from consultation.extensions import db
from consultation.publication.models import Batch, Consultation
from tests.admin.form_data import batch_form


def batch_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Batch))


def march_consultation(make_consultation) -> Consultation:
    """Open from 10 March 09:00 to 29 May 18:00, Paris time."""
    return make_consultation(
        opens_at=datetime(2026, 3, 10, 8, 0, tzinfo=UTC),
        closes_at=datetime(2026, 5, 29, 16, 0, tzinfo=UTC),
    )


def test_a_batch_is_added_to_the_schedule_in_paris_time(client, clock, admin, make_consultation):
    consultation = march_consultation(make_consultation)

    response = client.post(
        f"/admin/consultations/{consultation.id}/lots/nouveau",
        data=batch_form(publish_at="2026-04-15T09:00"),
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "Le lot est créé." in response.text
    assert "Lot 1 — Premier lot" in response.text
    assert "15 avril 2026 à 9 h 00" in response.text
    assert consultation.batches[0].publish_at == datetime(2026, 4, 15, 7, 0, tzinfo=UTC)


def test_the_schedule_tells_published_batches_from_upcoming_ones(
    client, clock, admin, make_batch, make_chapter
):
    published = make_batch(publish_in=timedelta(hours=-1), title="Lot déjà paru")
    make_chapter(published, title="Chapitre paru")
    make_batch(published.consultation, publish_in=timedelta(days=5), title="Lot attendu")

    response = client.get(f"/admin/consultations/{published.consultation_id}")

    assert "Lot 1 — Lot déjà paru" in response.text
    assert "Publié" in response.text
    assert "Lot 2 — Lot attendu" in response.text
    assert "À venir" in response.text
    assert "Chapitre paru" in response.text
    assert "<caption>Chapitres du lot 1</caption>" in response.text


def test_a_batch_outside_the_consultation_dates_is_refused(client, clock, admin, make_consultation):
    consultation = march_consultation(make_consultation)

    before = client.post(
        f"/admin/consultations/{consultation.id}/lots/nouveau",
        data=batch_form(publish_at="2026-03-09T09:00"),
    )
    after = client.post(
        f"/admin/consultations/{consultation.id}/lots/nouveau",
        data=batch_form(publish_at="2026-06-01T09:00"),
    )

    assert (before.status_code, after.status_code) == (422, 422)
    assert "Le lot 1 serait publié avant l’ouverture de la consultation." in before.text
    assert "Le lot 1 serait publié après la clôture de la consultation." in after.text
    assert 'value="2026-06-01T09:00"' in after.text
    assert batch_count() == 0


def test_a_batch_number_must_be_a_whole_number_from_one(client, clock, admin, make_consultation):
    consultation = march_consultation(make_consultation)
    url = f"/admin/consultations/{consultation.id}/lots/nouveau"

    zero = client.post(url, data=batch_form(number="0"))
    text = client.post(url, data=batch_form(number="deux"))

    assert (zero.status_code, text.status_code) == (422, 422)
    assert "Saisissez un nombre entier entre 1 et 999." in zero.text
    assert "Saisissez un nombre entier, par exemple 2." in text.text
    assert batch_count() == 0


def test_moving_a_published_batch_is_refused(client, clock, admin, published_batch):
    publish_at = published_batch.publish_at

    response = client.post(
        f"/admin/lots/{published_batch.id}/modifier",
        data=batch_form(publish_at="2026-04-20T09:00", title="Renommé"),
    )

    db.session.refresh(published_batch)
    assert response.status_code == 422
    assert "Ce lot est déjà publié : sa date de publication ne peut plus changer." in response.text
    assert (published_batch.publish_at, published_batch.title) == (publish_at, "Lot 1")


def test_an_upcoming_batch_is_deleted_after_confirmation(client, clock, admin, make_batch):
    batch = make_batch(publish_in=timedelta(days=3))
    url = f"/admin/lots/{batch.id}/supprimer"

    confirmation = client.get(url)
    response = client.post(url, follow_redirects=True)

    assert "Confirmer la suppression" in confirmation.text
    assert "Le lot 1 est supprimé." in response.text
    assert batch_count() == 0


def test_a_get_on_the_delete_address_deletes_nothing(client, clock, admin, make_batch):
    batch = make_batch(publish_in=timedelta(days=3))

    response = client.get(f"/admin/lots/{batch.id}/supprimer")

    assert response.status_code == 200
    assert '<form method="post">' in response.text
    assert batch_count() == 1


def test_deleting_a_published_batch_is_refused(client, clock, admin, published_batch):
    response = client.post(f"/admin/lots/{published_batch.id}/supprimer", follow_redirects=True)

    assert "Un lot déjà publié ne peut pas être supprimé." in response.text
    assert "fr-alert--error" in response.text
    assert batch_count() == 1


def test_deleting_a_batch_that_holds_chapters_is_refused(
    client, clock, admin, upcoming_consultation
):
    batch = upcoming_consultation.batches[0]

    response = client.post(f"/admin/lots/{batch.id}/supprimer", follow_redirects=True)

    assert "Ce lot contient des chapitres" in response.text
    assert batch_count() == 1


def test_a_post_without_csrf_token_is_refused_when_protection_is_on(
    app, client, clock, admin, make_batch
):
    batch = make_batch(publish_in=timedelta(days=3))
    protection = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        deletion = client.post(f"/admin/lots/{batch.id}/supprimer")
        creation = client.post(
            f"/admin/consultations/{batch.consultation_id}/lots/nouveau",
            data=batch_form(number="2", publish_at="2026-03-20T09:00"),
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = protection

    assert (deletion.status_code, creation.status_code) == (400, 400)
    assert "Requête invalide" in deletion.text
    assert batch_count() == 1


def test_blank_number_and_date_are_said_to_be_missing_once(client, clock, admin, make_consultation):
    consultation = march_consultation(make_consultation)

    response = client.post(
        f"/admin/consultations/{consultation.id}/lots/nouveau",
        data=batch_form(number="  ", publish_at=" "),
    )

    assert response.status_code == 422
    assert response.text.count("Saisissez le numéro du lot.") == 2  # summary and field
    assert response.text.count("Saisissez la date et l’heure de publication.") == 2
    assert "entre 1 et 999" not in response.text
    assert batch_count() == 0
