"""Once a consultation closes, contributing stops; reading, reports and answers go on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consultation.contributions.models import Contribution
from consultation.extensions import db
from consultation.moderation import answers
from consultation.moderation.models import Report

CLOSED = "La concertation est close depuis le"
STILL_READABLE = "les contributions et les réponses restent consultables."
TEXT = "Les référentiels doivent rester ouverts aux éditeurs régionaux."


@pytest.fixture
def chapter(make_consultation, make_batch, make_chapter, clock):
    """A chapter of a consultation that closed yesterday, with one published contribution."""
    consultation = make_consultation(closes_in=timedelta(days=1), slug="doctrine-close")
    chapter = make_chapter(batch=make_batch(consultation), title="Les fondations")
    clock.advance(days=2)
    return chapter


def chapter_url(chapter) -> str:
    return f"/consultations/{chapter.consultation.slug}/chapitres/{chapter.number}"


def stored_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Contribution))


def test_the_consultation_page_says_it_is_closed_since_when(client, chapter):
    page = client.get(f"/consultations/{chapter.consultation.slug}").text

    assert CLOSED in page
    assert STILL_READABLE in page
    assert ">Close<" in page
    assert "Chapitre 1 — Les fondations" in page


def test_the_chapter_page_says_so_and_offers_no_way_to_contribute(
    client, chapter, make_contribution, login
):
    make_contribution(chapter=chapter, body="Une contribution d’avant la clôture.")
    login()

    page = client.get(chapter_url(chapter)).text

    assert CLOSED in page
    assert STILL_READABLE in page
    assert "/contribuer" not in page
    assert "Contribuer sur" not in page
    assert "Une contribution d’avant la clôture." in page


def test_a_section_address_leads_to_the_closed_chapter_page(client, chapter):
    response = client.get(chapter_url(chapter) + "/sections/1-1", follow_redirects=True)

    assert response.status_code == 200
    assert CLOSED in response.text
    assert "/contribuer" not in response.text


def test_the_home_page_shows_each_consultation_with_its_status(client, chapter, make_consultation):
    make_consultation(slug="doctrine-ouverte", closes_in=timedelta(days=30))
    make_consultation(slug="doctrine-future", opens_in=timedelta(days=5))

    page = client.get("/").text

    assert "Consultations closes" in page
    assert "Consultations ouvertes" in page
    assert "Consultations à venir" in page
    for label in (">Close<", ">Ouverte<", ">À venir<"):
        assert label in page


def test_the_contribution_form_says_the_consultation_is_closed(client, chapter, login):
    login()

    page = client.get(chapter_url(chapter) + "/contribuer").text

    assert "Vous ne pouvez pas contribuer pour le moment" in page
    assert CLOSED in page
    assert "<textarea" not in page


def test_a_contribution_posted_after_closing_is_refused_and_nothing_stored(client, chapter, login):
    login()

    response = client.post(
        chapter_url(chapter) + "/contribuer",
        data={"section": "", "body": TEXT, "submission_key": "b" * 32},
    )

    assert response.status_code == 409
    assert CLOSED in response.text
    assert "les contributions ne sont plus acceptées" in response.text
    assert stored_count() == 0


def test_readers_still_report_and_moderators_still_answer_after_closing(
    client, chapter, make_contribution, login
):
    contribution = make_contribution(chapter=chapter)
    reported = client.post(
        f"/contributions/{contribution.reference}/signaler",
        data={"reason": "donnees_personnelles", "comment": ""},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    login(role="moderator")

    answered = client.post(
        f"/moderation/contributions/{contribution.id}/reponse",
        data={"disposition": "taken", "body": "Votre proposition est reprise.", "publish": "1"},
    )

    assert reported.status_code in (200, 302)
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1
    assert answered.status_code == 302
    assert answers.answer_of(contribution).published_at is not None
