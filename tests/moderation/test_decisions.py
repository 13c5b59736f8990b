"""Moderators apply the charter: refuse, hide and restore contributions (the queue: test_queue)."""

from __future__ import annotations

from sqlalchemy import select, update

from consultation.contributions.models import Contribution, PublishedCount, Status
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from tests import factories


def _mails(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def _chapter_count(chapter) -> int:
    counts = db.session.scalars(
        select(PublishedCount.published_count).where(PublishedCount.chapter_id == chapter.id)
    )
    return sum(counts)


def _chapter_page(client, chapter) -> str:
    return client.get(f"/consultations/{chapter.consultation.slug}/chapitres/1").text


def test_refusing_a_pending_contribution_tells_its_author_the_reason(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter(), status=Status.PENDING)
    login(role="moderator")

    response = client.post(
        f"/moderation/contributions/{contribution.id}/refuser",
        data={"reason": "injurieux", "comment": "Insultes envers un élu."},
    )

    [mail] = _mails("contribution_refused")
    assert response.status_code == 302
    assert contribution.status == Status.REJECTED
    assert contribution.status_reason == "injurieux: Insultes envers un élu."
    assert mail.to_address == contribution.author.email
    assert contribution.reference in mail.subject
    assert "Propos injurieux ou diffamatoires (Insultes envers un élu.)" in mail.body_text


def test_the_reason_other_needs_a_comment(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter(), status=Status.PENDING)
    login(role="moderator")

    response = client.post(
        f"/moderation/contributions/{contribution.id}/refuser",
        data={"reason": "autre", "comment": "  "},
    )

    assert response.status_code == 400
    assert "le commentaire est obligatoire pour « Autre motif »" in response.text
    assert contribution.status == Status.PENDING
    assert _mails("contribution_refused") == []


def test_the_refusal_form_offers_every_reason_of_the_charter(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter(), status=Status.PENDING)
    login(role="moderator")

    page = client.get(f"/moderation/contributions/{contribution.id}/refuser").text

    labels = ["Hors sujet", "Propos injurieux ou diffamatoires", "Données personnelles ou de santé",
              "Doublon", "Publicité ou spam", "Autre motif"]  # fmt: skip
    assert all(label in page for label in labels)
    assert contribution.status == Status.PENDING


def test_hiding_takes_a_contribution_out_of_the_chapter_and_its_count(client, login, make_chapter):
    chapter = make_chapter()
    contribution = factories.make_contribution(chapter, body="Un avis qui sera masqué ici.")
    factories.make_contribution(chapter, body="Un autre avis, qui reste publié.")
    login(role="moderator")

    response = client.post(
        f"/moderation/contributions/{contribution.id}/masquer",
        data={"reason": "donnees_personnelles"},
    )
    client.post("/deconnexion")

    assert response.status_code == 302
    assert contribution.status == Status.HIDDEN
    page = _chapter_page(client, chapter)
    assert _chapter_count(chapter) == 1
    assert "Un autre avis, qui reste publié." in page
    assert "Un avis qui sera masqué ici." not in page


def test_the_page_of_a_hidden_contribution_shows_the_reason_without_the_text(
    client, login, make_chapter
):
    contribution = factories.make_contribution(make_chapter(), body="Mon dossier médical complet.")
    login(role="moderator")
    client.post(
        f"/moderation/contributions/{contribution.id}/masquer",
        data={"reason": "donnees_personnelles"},
    )
    client.post("/deconnexion")

    response = client.get(f"/contributions/{contribution.reference}")

    assert response.status_code == 200
    assert (
        "Contribution masquée par la modération : Données personnelles ou de santé" in response.text
    )
    assert "Mon dossier médical complet." not in response.text


def test_restoring_publishes_a_hidden_contribution_again(client, login, make_chapter):
    chapter = make_chapter()
    contribution = factories.make_contribution(chapter, status=Status.HIDDEN, status_reason="spam")
    login(role="moderator")

    response = client.post(f"/moderation/contributions/{contribution.id}/retablir")
    client.post("/deconnexion")

    assert response.status_code == 302
    assert contribution.status == Status.PUBLISHED
    assert contribution.status_reason is None
    assert _chapter_count(chapter) == 1
    assert contribution.body in _chapter_page(client, chapter)


def test_a_second_decision_on_the_same_contribution_is_refused(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter(), status=Status.PENDING)
    login(role="moderator")
    client.post(f"/moderation/contributions/{contribution.id}/publier")

    again = client.post(
        f"/moderation/contributions/{contribution.id}/refuser", data={"reason": "spam"}
    )

    assert again.status_code == 409
    assert "n’est plus en attente" in again.text
    assert contribution.status == Status.PUBLISHED
    assert _mails("contribution_refused") == []


def test_a_decision_raced_by_another_moderator_is_refused(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter(), status=Status.PENDING)
    login(role="moderator")
    # Another moderator publishes it behind this one's back: the row changes, not the object.
    db.session.execute(
        update(Contribution)
        .where(Contribution.id == contribution.id)
        .values(status=Status.PUBLISHED)
        .execution_options(synchronize_session=False)
    )

    response = client.post(
        f"/moderation/contributions/{contribution.id}/refuser", data={"reason": "spam"}
    )

    db.session.expire_all()
    assert response.status_code == 409
    assert "rechargez la page" in response.text or "n’est plus en attente" in response.text
    assert db.session.get(Contribution, contribution.id).status == Status.PUBLISHED
    assert _mails("contribution_refused") == []


def test_a_contributor_or_an_analyst_cannot_take_decisions(client, login, make_chapter):
    pending = factories.make_contribution(make_chapter(), status=Status.PENDING)
    published = factories.make_contribution(pending.chapter)
    for role in ("contributor", "analyst"):
        login(role=role)
        responses = [
            client.get("/moderation/?statut=published"),
            client.post(f"/moderation/contributions/{pending.id}/refuser", data={"reason": "spam"}),
            client.post(
                f"/moderation/contributions/{published.id}/masquer", data={"reason": "spam"}
            ),
            client.post(f"/moderation/contributions/{published.id}/retablir"),
        ]
        client.post("/deconnexion")

        assert [response.status_code for response in responses] == [403] * 4
    assert (pending.status, published.status) == (Status.PENDING, Status.PUBLISHED)


def test_opening_decision_pages_changes_nothing(client, login, make_chapter):
    pending = factories.make_contribution(make_chapter(), status=Status.PENDING)
    published = factories.make_contribution(pending.chapter)
    login(role="moderator")

    pages = [
        client.get(f"/moderation/contributions/{pending.id}/refuser"),
        client.get(f"/moderation/contributions/{published.id}/masquer"),
        client.get(f"/moderation/contributions/{published.id}/retablir"),
        client.get(f"/moderation/contributions/{pending.id}/publier"),
    ]

    assert [page.status_code for page in pages] == [200, 200, 405, 405]
    assert (pending.status, published.status) == (Status.PENDING, Status.PUBLISHED)
    assert _mails("contribution_refused") == []
