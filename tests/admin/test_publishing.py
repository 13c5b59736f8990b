"""From the back office to the public pages: what an admin schedules appears at its date."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from consultation.extensions import db
from consultation.publication.models import Batch, Consultation
from tests.admin.form_data import (
    SECOND_BATCH,
    batch_form,
    chapter_form,
    consultation_form,
    upload,
)

UPLOADED_TEXT = """# Services socles

Les services socles sont communs à tous.

## 3.1 Identité numérique

Chaque personne dispose d’une identité numérique.
"""


def schedule_through_the_forms(client) -> Consultation:
    """Two batches: the fondations pasted in the first, the services uploaded in the second."""
    client.post("/admin/consultations/nouvelle", data=consultation_form())
    consultation = db.session.scalar(select(Consultation))
    for data in (batch_form(), batch_form(number="2", title="Second lot", publish_at=SECOND_BATCH)):
        client.post(f"/admin/consultations/{consultation.id}/lots/nouveau", data=data)
    first, second = db.session.scalars(select(Batch).order_by(Batch.number))
    new_chapter = f"/admin/consultations/{consultation.id}/chapitres/nouveau"
    client.post(new_chapter, data=chapter_form(first.id), content_type="multipart/form-data")
    client.post(
        new_chapter,
        data=chapter_form(
            second.id,
            number="2",
            slug="services-socles",
            body="",
            upload=upload(UPLOADED_TEXT.encode()),
        ),
        content_type="multipart/form-data",
    )
    return consultation


def test_chapters_written_in_the_back_office_appear_publicly_at_their_dates(client, clock, admin):
    schedule_through_the_forms(client)
    first = "/consultations/doctrine-2026/chapitres/1"
    second = "/consultations/doctrine-2026/chapitres/2"

    before = (client.get(first).status_code, client.get(second).status_code)
    clock.set(datetime(2026, 3, 10, 8, 0, tzinfo=UTC))
    opening = (client.get(first), client.get(second).status_code)
    clock.set(datetime(2026, 4, 15, 7, 0, tzinfo=UTC))
    later = client.get(second)

    assert before == (404, 404)
    assert opening[0].status_code == 200
    assert "Les fondations" in opening[0].text
    assert 'id="1"' in opening[0].text
    assert opening[1] == 404
    assert later.status_code == 200
    assert "Identité numérique" in later.text


def test_the_schedule_lists_what_the_forms_created(client, clock, admin):
    consultation = schedule_through_the_forms(client)

    response = client.get(f"/admin/consultations/{consultation.id}")

    assert "Lot 1 — Premier lot" in response.text
    assert "10 mars 2026 à 9 h 00" in response.text
    assert "Lot 2 — Second lot" in response.text
    assert "15 avril 2026 à 9 h 00" in response.text
    assert "Les fondations" in response.text
    assert "Services socles" in response.text
