"""Files sent with a contribution: checked by content, stored under random names, downloaded."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import func, select

from consultation.contributions.models import Attachment, Contribution, Status
from consultation.extensions import db
from tests.contributions import files
from tests.contributions.test_contributing import TEXT, contribute_url, form


def post_files(client, chapter, *named_files):
    data = form(attachments=[(io.BytesIO(content), name) for name, content in named_files])
    return client.post(contribute_url(chapter), data=data, content_type="multipart/form-data")


def stored_files(storage_dir) -> list:
    return sorted(storage_dir.iterdir()) if storage_dir.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("position.pdf", files.PDF, "application/pdf"),
        ("position.odt", files.odt(), "application/vnd.oasis.opendocument.text"),
        (
            "position.docx",
            files.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("note.txt", files.TXT, "text/plain"),
    ],
)
def test_an_accepted_document_is_stored_under_a_random_name_with_its_hash(
    client, make_chapter, login, storage_dir, name, content, content_type
):
    chapter = make_chapter()
    login()

    response = post_files(client, chapter, (name, content))

    attachment = db.session.scalar(select(Attachment))
    assert response.status_code == 302
    assert attachment.filename == name
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert stored_files(storage_dir) == [storage_dir / attachment.storage_key]
    assert (storage_dir / attachment.storage_key).read_bytes() == content
    assert name not in attachment.storage_key


@pytest.mark.parametrize(
    ("named_files", "message"),
    [
        ([("rapport.pdf", files.EXE)], "Le fichier « rapport.pdf » n’est pas d’un format accepté"),
        ([("annexe.docx", files.zip_bomb())], "« annexe.docx » est une archive anormale"),
        ([("annexe.pdf", files.docx())], "« annexe.pdf » doit se terminer par .docx"),
        ([("gros.pdf", b"%PDF-" + bytes(11 * 1024 * 1024))], "« gros.pdf » dépasse la taille"),
        ([(f"piece{n}.txt", files.TXT) for n in range(6)], "au plus 5 fichiers (6 envoyés)"),
    ],
)
def test_a_refused_file_is_named_and_nothing_is_stored(
    client, make_chapter, login, storage_dir, named_files, message
):
    chapter = make_chapter()
    login()

    response = post_files(client, chapter, *named_files)

    assert response.status_code == 409
    assert message in response.text
    assert "joignez-les à nouveau" in response.text
    assert TEXT in response.text
    assert db.session.scalar(select(func.count()).select_from(Contribution)) == 0
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert stored_files(storage_dir) == []


def test_a_published_attachment_downloads_as_a_file_that_never_runs_in_the_page(
    client, make_chapter, login, make_user
):
    chapter = make_chapter()
    login()
    post_files(client, chapter, ("Position fédération été.pdf", files.PDF))
    contribution = db.session.scalar(select(Contribution))
    contribution.status = Status.PUBLISHED
    client.post("/deconnexion")

    page = client.get(f"/contributions/{contribution.reference}")
    attachment = contribution.attachments[0]
    url = f"/contributions/{contribution.reference}/pieces-jointes/{attachment.id}"
    response = client.get(url)

    assert url in page.text
    assert response.status_code == 200
    assert response.data == files.PDF
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Position%20f%C3%A9d%C3%A9ration%20%C3%A9t%C3%A9.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_another_user_can_see_neither_a_pending_contribution_nor_its_files(
    client, make_chapter, login
):
    chapter = make_chapter()
    login()
    post_files(client, chapter, ("note.txt", files.TXT))
    contribution = db.session.scalar(select(Contribution))
    download_url = (
        f"/contributions/{contribution.reference}/pieces-jointes/{contribution.attachments[0].id}"
    )
    author_sees = client.get(f"/contributions/{contribution.reference}").status_code
    author_downloads = client.get(download_url).status_code
    client.post("/deconnexion")
    login()

    page = client.get(f"/contributions/{contribution.reference}")
    download = client.get(download_url)

    assert (author_sees, author_downloads) == (200, 200)
    assert page.status_code == 404
    assert download.status_code == 404
    assert files.TXT not in download.data


def test_an_attachment_is_only_reached_through_its_own_contribution(
    client, make_chapter, make_contribution, login
):
    chapter = make_chapter()
    login()
    post_files(client, chapter, ("note.txt", files.TXT))
    pending = db.session.scalar(select(Contribution))
    published = make_contribution(chapter)
    client.post("/deconnexion")

    response = client.get(
        f"/contributions/{published.reference}/pieces-jointes/{pending.attachments[0].id}"
    )

    assert response.status_code == 404


def test_a_request_over_the_size_limit_gets_the_french_error_page(app, client, make_chapter, login):
    chapter = make_chapter()
    login()
    previous, app.config["MAX_CONTENT_LENGTH"] = app.config.get("MAX_CONTENT_LENGTH"), 1024 * 1024
    try:
        response = post_files(client, chapter, ("gros.pdf", b"%PDF-" + bytes(2 * 1024 * 1024)))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = previous

    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.text
