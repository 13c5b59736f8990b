"""A moderator publishes contributions waiting in the queue; nobody else may."""

from __future__ import annotations

from sqlalchemy import select

from consultation.contributions.models import Status
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from tests import factories


def test_the_queue_lists_pending_contributions_oldest_first(client, clock, login, make_chapter):
    chapter = make_chapter()
    older = factories.make_contribution(chapter, status=Status.PENDING, body="Premier avis reçu.")
    clock.advance(minutes=3)
    newer = factories.make_contribution(chapter, status=Status.PENDING, body="Second avis reçu.")
    factories.make_contribution(chapter, body="Avis déjà publié.")
    login(role="moderator")

    page = client.get("/moderation/").text

    assert page.index(older.reference) < page.index(newer.reference)
    assert "Avis déjà publié." not in page
    assert "2 contributions en attente" in page


def test_publishing_shows_the_contribution_and_tells_its_author(client, clock, login, make_chapter):
    chapter = make_chapter()
    contribution = factories.make_contribution(chapter, status=Status.PENDING)
    login(role="moderator")
    clock.advance(hours=2)

    response = client.post(f"/moderation/contributions/{contribution.id}/publier")
    chapter_page = client.get(f"/consultations/{chapter.consultation.slug}/chapitres/1")

    mail = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "contribution_published")
    )
    assert response.status_code == 302
    assert contribution.status == Status.PUBLISHED
    assert contribution.published_at == clock.now()
    assert mail.to_address == contribution.author.email
    assert contribution.reference in mail.subject
    assert contribution.reference in chapter_page.text


def test_publishing_needs_the_csrf_token_of_the_page(app, client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter(), status=Status.PENDING)
    login(role="moderator")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/moderation/contributions/{contribution.id}/publier")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert response.status_code == 400
    assert contribution.status == Status.PENDING


def test_a_contributor_cannot_publish_nor_see_the_queue(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter(), status=Status.PENDING)
    login()

    queue = client.get("/moderation/")
    response = client.post(f"/moderation/contributions/{contribution.id}/publier")

    assert queue.status_code == 403
    assert response.status_code == 403
    assert contribution.status == Status.PENDING
