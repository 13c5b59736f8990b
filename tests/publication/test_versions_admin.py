"""Admins add labelled versions (revised, final) to a chapter; the consulted text never changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consultation.contributions.models import Contribution
from consultation.extensions import db
from consultation.publication.models import ChapterVersion
from tests.admin.form_data import upload
from tests.audit_events import events, recorded

FINAL_TEXT = """# Les fondations

Ce chapitre pose les principes communs, revus après la concertation.

## 1. Principes

Les services partagent des référentiels publics.
"""


@pytest.fixture
def admin(login):
    return login(role="admin")


@pytest.fixture
def chapter(make_chapter, make_contribution):
    chapter = make_chapter(title="Les fondations")
    make_contribution(chapter=chapter)
    return chapter


def versions_url(chapter) -> str:
    return f"/admin/chapitres/{chapter.id}/versions"


def post_version(client, chapter, **overrides):
    data = {"label": "v1.0 finale", "body": FINAL_TEXT, **overrides}
    return client.post(versions_url(chapter), data=data, content_type="multipart/form-data")


def labels(chapter) -> list[str]:
    return [version.label for version in chapter.versions]


def test_an_admin_adds_a_final_version_after_the_consulted_one(client, admin, chapter):
    consulted_body = chapter.consultation_version.body

    response = post_version(client, chapter)

    assert response.status_code == 302
    assert labels(chapter) == ["Version mise en concertation", "v1.0 finale"]
    assert chapter.latest_version.position == 2
    assert chapter.latest_version.body.startswith("Ce chapitre pose les principes communs, revus")
    assert chapter.consultation_version.body == consulted_body
    contribution = db.session.scalar(select(Contribution))
    assert contribution.chapter_version_id == chapter.consultation_version.id


def test_the_versions_page_lists_labels_and_dates(client, admin, chapter):
    post_version(client, chapter)

    page = client.get(versions_url(chapter)).text

    assert "Version mise en concertation" in page
    assert "v1.0 finale" in page
    assert "2 mars 2026" in page


def test_an_uploaded_file_becomes_the_version_text(client, admin, chapter):
    response = post_version(client, chapter, body="", upload=upload(FINAL_TEXT.encode()))

    assert response.status_code == 302
    assert "référentiels publics" in chapter.latest_version.body


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"label": ""}, "Saisissez le libellé de la version."),
        ({"label": "v" * 81}, "Le libellé ne doit pas dépasser 80 caractères."),
        ({"label": "version mise en concertation"}, "Le chapitre a déjà une version"),
        ({"body": "   "}, "Le texte du chapitre est vide."),
        ({"body": "Texte.\n\n# Autre titre\n\nSuite."}, "d’autre titre de niveau 1"),
    ],
)
def test_refused_inputs_say_why_in_french_and_store_nothing(
    client, admin, chapter, overrides, message
):
    response = post_version(client, chapter, **overrides)

    assert response.status_code == 422
    assert message in response.text
    assert labels(chapter) == ["Version mise en concertation"]
    assert events("chapter.version_add") == []


def test_the_same_label_twice_is_refused(client, admin, chapter):
    post_version(client, chapter)

    response = post_version(client, chapter, body=FINAL_TEXT + "\nAjout.\n")

    assert response.status_code == 422
    assert "Le chapitre a déjà une version « v1.0 finale »" in response.text
    assert len(chapter.versions) == 2


@pytest.mark.parametrize("role", ["contributor", "moderator", "analyst"])
def test_non_admins_are_refused(client, login, chapter, role):
    login(role=role)

    response = post_version(client, chapter)

    assert response.status_code == 403
    assert client.get(versions_url(chapter)).status_code == 403
    assert len(chapter.versions) == 1


def test_adding_a_version_is_audited_with_its_text_as_a_fingerprint(client, admin, chapter):
    post_version(client, chapter)

    event = recorded("chapter.version_add")
    assert event.object_type == "chapterversion"
    assert event.object_label.startswith("v1.0 finale — Chapitre 1 « Les fondations »")
    assert event.after["label"] == "v1.0 finale"
    assert event.after["position"] == 2
    assert "caractères, empreinte" in event.after["body"]
    assert event.actor_id == admin.id


def test_the_audit_log_names_the_addition_and_links_to_the_versions(client, admin, chapter):
    post_version(client, chapter)

    page = client.get("/admin/journal").text

    assert "Version d’un chapitre ajoutée" in page
    assert f'href="{versions_url(chapter)}"' in page


def test_the_schedule_and_the_chapter_form_link_to_the_versions(client, admin, chapter):
    schedule = client.get(f"/admin/consultations/{chapter.consultation_id}").text
    chapter_form = client.get(f"/admin/chapitres/{chapter.id}/modifier").text

    assert versions_url(chapter) in schedule
    assert versions_url(chapter) in chapter_form
    assert db.session.scalar(select(func.count()).select_from(ChapterVersion)) == 1
