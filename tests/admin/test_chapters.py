"""Writing chapters in the back office: pasted or uploaded Markdown, checked before saving."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consultation.admin.forms import MAX_UPLOAD_BYTES
from consultation.extensions import db
from consultation.publication.models import Chapter
from tests.admin.form_data import CHAPTER_TEXT, chapter_form, upload


@pytest.fixture
def batch(make_batch):
    """An upcoming batch, so its chapters can still change."""
    return make_batch(publish_in=timedelta(days=3))


def chapter_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Chapter))


def new_chapter_url(batch) -> str:
    return f"/admin/consultations/{batch.consultation_id}/chapitres/nouveau"


def post_chapter(client, batch, **overrides):
    return client.post(
        new_chapter_url(batch),
        data=chapter_form(batch.id, **overrides),
        content_type="multipart/form-data",
    )


def test_a_pasted_text_gives_its_heading_as_title_when_the_title_is_empty(client, admin, batch):
    response = post_chapter(client, batch)

    chapter = db.session.scalar(select(Chapter))
    assert response.status_code == 302
    assert chapter.title == "Les fondations"
    assert chapter.consultation_version.body.startswith("Ce chapitre pose les principes communs.")


def test_a_typed_title_wins_over_the_heading_of_the_text(client, admin, batch):
    post_chapter(client, batch, title="Titre choisi")

    chapter = db.session.scalar(select(Chapter))
    assert chapter.title == "Titre choisi"
    assert "# Les fondations" not in chapter.consultation_version.body


def test_an_uploaded_file_becomes_the_chapter_text(client, admin, batch):
    text = "# Services socles\n\nIntroduction.\n\n## 3.1 Identité\n\nTexte.\n"

    response = post_chapter(client, batch, body="", upload=upload(text.encode()))

    chapter = db.session.scalar(select(Chapter))
    assert response.status_code == 302
    assert chapter.title == "Services socles"
    assert [section.anchor for section in chapter.consultation_version.sections] == ["3-1"]


def test_the_edit_page_shows_the_sections_and_their_anchors(client, admin, make_chapter):
    chapter = make_chapter(publish_in=timedelta(days=3))

    response = client.get(f"/admin/chapitres/{chapter.id}/modifier")

    assert "<caption>Sections du texte et leurs ancres</caption>" in response.text
    assert "1.1 Identification" in response.text
    assert "#1-1" in response.text
    assert "#2" in response.text


def test_a_chapter_number_already_used_is_refused(client, admin, batch, make_chapter):
    make_chapter(batch, number=1, slug="premier")

    response = post_chapter(client, batch, number="1")

    assert response.status_code == 422
    assert "Le chapitre 1 existe déjà dans cette consultation." in response.text
    assert chapter_count() == 1


def test_an_empty_text_is_refused(client, admin, batch):
    response = post_chapter(client, batch, title="Sans texte", body="   ")

    assert response.status_code == 422
    assert "Le texte du chapitre est vide." in response.text
    assert chapter_count() == 0


def test_a_second_level_one_heading_is_refused_and_the_text_kept(client, admin, batch):
    text = CHAPTER_TEXT + "\n# Un autre titre\n\nSuite.\n"

    response = post_chapter(client, batch, body=text)

    assert response.status_code == 422
    assert "Le texte ne doit pas contenir d’autre titre de niveau 1" in response.text
    assert "# Un autre titre" in response.text
    assert 'value="fondations"' in response.text
    assert chapter_count() == 0


def test_an_upload_not_in_utf8_is_refused_in_french(client, admin, batch):
    latin1 = "# Données de santé\n\nTexte accentué.\n".encode("latin-1")

    response = post_chapter(client, batch, body="", upload=upload(latin1))

    assert response.status_code == 422
    assert "Le fichier n’est pas encodé en UTF-8" in response.text
    assert chapter_count() == 0


def test_an_upload_of_another_kind_or_too_large_is_refused(client, admin, batch):
    pdf = post_chapter(client, batch, body="", upload=upload(b"%PDF", name="chapitre.pdf"))
    huge = post_chapter(client, batch, body="", upload=upload(b"a" * (MAX_UPLOAD_BYTES + 1)))

    assert (pdf.status_code, huge.status_code) == (422, 422)
    assert "Déposez un fichier .md ou .txt." in pdf.text
    assert "Le fichier dépasse la taille maximale de 500 Ko." in huge.text
    assert chapter_count() == 0


def test_changing_the_text_of_a_published_chapter_is_refused(client, admin, make_chapter):
    chapter = make_chapter(publish_in=timedelta(hours=-1))
    original = chapter.consultation_version.body
    data = chapter_form(
        chapter.batch_id, number="1", slug=chapter.slug, title="Nouveau titre", body="Autre texte."
    )

    response = client.post(f"/admin/chapitres/{chapter.id}/modifier", data=data)

    db.session.refresh(chapter)
    db.session.refresh(chapter.consultation_version)
    assert response.status_code == 422
    assert "Ce chapitre est déjà publié : son texte mis en concertation ne peut plus changer." in (
        response.text
    )
    assert chapter.title != "Nouveau titre"
    assert chapter.consultation_version.body == original


def test_a_published_chapter_can_be_renamed_when_its_text_comes_back_unchanged(
    client, admin, make_chapter
):
    chapter = make_chapter(publish_in=timedelta(hours=-1))
    body = chapter.consultation_version.body.replace("\n", "\r\n")
    data = chapter_form(chapter.batch_id, slug=chapter.slug, title="Nouveau titre", body=body)

    response = client.post(f"/admin/chapitres/{chapter.id}/modifier", data=data)

    assert response.status_code == 302
    assert db.session.get(Chapter, chapter.id).title == "Nouveau titre"


def test_an_upcoming_chapter_is_deleted_and_a_published_one_is_kept(client, admin, make_chapter):
    upcoming = make_chapter(publish_in=timedelta(days=3))
    published = make_chapter(publish_in=timedelta(hours=-1))

    deleted = client.post(f"/admin/chapitres/{upcoming.id}/supprimer", follow_redirects=True)
    refused = client.post(f"/admin/chapitres/{published.id}/supprimer", follow_redirects=True)

    assert "Le chapitre 1 est supprimé." in deleted.text
    assert "Un chapitre déjà publié ne peut pas être supprimé." in refused.text
    assert chapter_count() == 1
