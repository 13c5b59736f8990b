"""Moderators write the official answer to a contribution; the public reads it once published."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select

from consultation.accounts.models import User
from consultation.contributions.models import Contribution, PublishedCount, Status
from consultation.core.audit import AuditEvent
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from consultation.moderation import answers
from consultation.moderation.answers import AnswerText
from consultation.moderation.models import Answer, AnswerStatus, Disposition
from consultation.publication.models import Batch, Chapter, ChapterVersion, Consultation
from tests import factories
from tests.browser.conftest import audit_trail_erasable

DRAFT = {
    "disposition": "partly_taken",
    "body": "Nous reprenons **une partie** de votre idée.",
    "save_draft": "1",
}
PUBLISH = {
    "disposition": "taken",
    "body": "Votre proposition est *reprise* au chapitre 2.",
    "publish": "1",
}
EDITED = "Après examen, elle n’est pas retenue."


def answer_url(contribution: Contribution) -> str:
    return f"/moderation/contributions/{contribution.id}/reponse"


def public_page(client, contribution: Contribution) -> str:
    return client.get(f"/contributions/{contribution.reference}").text


def answered_mails() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == "contribution_answered")
    return list(db.session.scalars(query))


@pytest.mark.parametrize("role", ["contributor", "analyst"])
def test_only_moderators_may_open_or_send_the_answer_form(client, login, make_chapter, role):
    contribution = factories.make_contribution(make_chapter())
    login(role=role)

    form = client.get(answer_url(contribution))
    sent = client.post(answer_url(contribution), data=PUBLISH)
    queue = client.get("/moderation/a-repondre")

    assert [form.status_code, sent.status_code, queue.status_code] == [403, 403, 403]
    assert answers.answer_of(contribution) is None


def test_the_form_shows_the_contribution_with_one_heading_and_a_breadcrumb(
    client, login, make_chapter
):
    contribution = factories.make_contribution(make_chapter(), body="Un avis sur les vélos.")
    login(role="moderator")

    page = client.get(answer_url(contribution)).text

    assert page.count("<h1") == 1
    assert "Un avis sur les vélos." in page
    assert 'class="fr-breadcrumb"' in page
    assert "Prise en compte" in page and "Hors périmètre" in page


def test_a_saved_draft_is_not_shown_to_the_public(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter())
    login(role="moderator")

    response = client.post(answer_url(contribution), data=DRAFT)
    client.get("/deconnexion")
    page = public_page(client, contribution)

    assert response.status_code == 302
    assert answers.answer_of(contribution).status == AnswerStatus.DRAFT
    assert "une partie" not in page
    assert "Réponse officielle : pas encore publiée." in page
    assert answered_mails() == []


def test_publishing_shows_the_answer_on_the_public_page_and_tells_the_author(
    client, clock, login, make_chapter
):
    contribution = factories.make_contribution(make_chapter())
    moderator = login(role="moderator")
    clock.advance(days=3)

    response = client.post(answer_url(contribution), data=PUBLISH)
    page = public_page(client, contribution)

    answer = answers.answer_of(contribution)
    [mail] = answered_mails()
    assert response.status_code == 302
    assert (answer.status, answer.published_at, answer.moderator) == (
        AnswerStatus.PUBLISHED,
        clock.now(),
        moderator,
    )
    assert "Votre proposition est <em>reprise</em> au chapitre 2." in page
    assert "Prise en compte" in page and "modifiée le" not in page
    assert mail.to_address == contribution.author.email
    assert contribution.reference in mail.subject
    assert f"http://concertation.test/contributions/{contribution.reference}" in mail.body_text
    assert "Prise en compte" in mail.body_text


def test_a_draft_then_published_answer_is_listed_until_published(
    client, clock, login, make_chapter
):
    chapter = make_chapter()
    older = factories.make_contribution(chapter, body="Le plus ancien des avis publiés.")
    clock.advance(minutes=5)
    newer = factories.make_contribution(chapter, body="Un avis publié plus tard.")
    answered = factories.make_contribution(chapter, body="Un avis déjà pourvu de réponse.")
    factories.make_contribution(chapter, status=Status.PENDING, body="Un avis en attente.")
    login(role="moderator")
    client.post(answer_url(older), data=DRAFT)
    client.post(answer_url(answered), data=PUBLISH)

    page = client.get("/moderation/a-repondre").text

    assert page.index(older.reference) < page.index(newer.reference)
    assert "Reprendre le brouillon" in page
    assert answer_url(answered) not in page and "Un avis en attente." not in page
    assert page.count("<h1") == 1


def test_editing_a_published_answer_keeps_the_previous_version_and_says_when(
    client, clock, login, make_chapter
):
    contribution = factories.make_contribution(make_chapter())
    login(role="moderator")
    client.post(answer_url(contribution), data=PUBLISH)
    clock.advance(days=2)

    edited = {
        **PUBLISH,
        "disposition": "not_retained",
        "body": "Après examen, elle n’est pas retenue.",
    }
    response = client.post(answer_url(contribution), data=edited)
    page = public_page(client, contribution)

    answer = answers.answer_of(contribution)
    [revision] = answer.revisions
    assert response.status_code == 302
    assert (revision.body, revision.disposition) == (
        PUBLISH["body"],
        Disposition.TAKEN_INTO_ACCOUNT,
    )
    assert 'modifiée le <time datetime="2026-03-04' in page
    assert EDITED in page and "Non retenue" in page
    assert "reprise" not in page
    assert len(answered_mails()) == 1


def test_a_published_answer_cannot_go_back_to_a_draft(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter())
    login(role="moderator")
    client.post(answer_url(contribution), data=PUBLISH)

    response = client.post(answer_url(contribution), data={**DRAFT, "body": "Brouillon tardif."})

    assert response.status_code == 422
    assert "Cette réponse est déjà publiée" in response.text
    assert answers.answer_of(contribution).body == PUBLISH["body"]


def test_an_answer_to_an_unpublished_contribution_cannot_be_published(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter(), status=Status.PENDING)
    login(role="moderator")

    response = client.post(answer_url(contribution), data=PUBLISH)

    assert response.status_code == 422
    assert "Seule une contribution publiée peut recevoir une réponse publiée." in response.text
    assert answers.answer_of(contribution) is None
    assert answered_mails() == []


def test_missing_fields_are_reported_next_to_each_field(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter())
    login(role="moderator")

    response = client.post(answer_url(contribution), data={"body": " ", "publish": "1"})

    assert response.status_code == 422
    assert "Saisissez le texte de la réponse." in response.text
    assert "Choisissez la suite donnée à la contribution." in response.text
    assert 'aria-describedby="body-messages"' in response.text
    assert answers.answer_of(contribution) is None


def test_markup_in_an_answer_is_shown_inert(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter())
    login(role="moderator")
    hostile = (
        "<script>alert('réponse')</script> [lien](javascript:alert(1)) "
        '<img src="x" onerror="alert(1)">'
    )

    client.post(answer_url(contribution), data={**PUBLISH, "body": hostile})
    page = public_page(client, contribution)

    assert "<script>alert" not in page
    assert 'href="javascript' not in page
    assert 'onerror="' not in page


#: Tables the concurrency test writes to, children first, and the column telling its rows apart.
COMMITTED_ROWS = (
    (AuditEvent, AuditEvent.id),
    (OutboxMessage, OutboxMessage.id),
    (Answer, Answer.id),
    (PublishedCount, PublishedCount.chapter_id),
    (Contribution, Contribution.id),
    (Chapter, Chapter.id),
    (ChapterVersion, ChapterVersion.id),
    (Batch, Batch.id),
    (Consultation, Consultation.id),
    (User, User.id),
)


@pytest.fixture
def committing(app, clock):
    """The application with real commits; what the test committed is deleted afterwards."""
    with app.app_context():
        before = {model: _highest(model, column) for model, column in COMMITTED_ROWS}
        before[PublishedCount] = before[Chapter]
        try:
            yield app
        finally:
            db.session.rollback()
            with audit_trail_erasable():  # the answers' audit events must not leak into others
                for model, column in COMMITTED_ROWS:
                    db.session.execute(delete(model).where(column > before[model]))
            db.session.commit()
            db.session.remove()


def _highest(model, column) -> int:
    return db.session.scalar(select(func.coalesce(func.max(column), 0)))


def test_twenty_simultaneous_submissions_record_one_answer(committing):
    contribution = factories.make_contribution()
    moderator = factories.make_user(role="moderator")
    ids, failures, barrier = (contribution.id, moderator.id), [], threading.Barrier(20)
    db.session.commit()
    db.session.close()  # SQLite: the test's own connection must not hold the write lock

    def submit(number: int) -> None:
        with committing.app_context():
            barrier.wait()
            try:
                target, author = db.session.get(Contribution, ids[0]), db.session.get(User, ids[1])
                text = AnswerText(f"Réponse numéro {number}.", Disposition.FOR_INFORMATION)
                answers.save_draft(target, text, author)
                db.session.commit()
            except Exception as error:
                failures.append(error)

    threads = [threading.Thread(target=submit, args=(number,)) for number in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    count = select(func.count(Answer.id)).where(Answer.contribution_id == ids[0])
    assert failures == []
    assert db.session.scalar(count) == 1


def test_moderators_see_the_previous_versions_of_an_edited_answer(
    client, clock, login, make_chapter
):
    contribution = factories.make_contribution(make_chapter())
    login(role="moderator")
    client.post(answer_url(contribution), data=PUBLISH)
    clock.advance(days=1)
    client.post(answer_url(contribution), data={**PUBLISH, "body": EDITED})

    page = client.get(answer_url(contribution)).text

    assert "Versions précédentes" in page
    assert "Votre proposition est <em>reprise</em> au chapitre 2." in page
    assert "Modifier la réponse publiée" in page
    assert "Enregistrer le brouillon" not in page


def test_a_hidden_contribution_shows_neither_its_text_nor_its_answer_to_the_public(
    app, client, login, make_chapter
):
    from consultation.contributions.services import change_status

    contribution = factories.make_contribution(make_chapter())
    login(role="moderator")
    client.post(answer_url(contribution), data=PUBLISH)
    change_status(contribution, Status.HIDDEN, "abusive")
    client.post("/deconnexion")

    page = public_page(client, contribution)

    assert "Contribution masquée par la modération" in page
    assert "reprise" not in page
    assert contribution.body not in page


def test_drafting_publishing_and_editing_are_audited_by_fingerprint_not_text(
    client, clock, login, make_chapter
):
    contribution = factories.make_contribution(make_chapter())
    moderator = login(role="moderator")
    client.post(answer_url(contribution), data=DRAFT)
    client.post(answer_url(contribution), data=PUBLISH)
    clock.advance(days=1)

    client.post(answer_url(contribution), data={**PUBLISH, "body": EDITED})

    query = select(AuditEvent).where(AuditEvent.object_label == contribution.reference)
    draft, published, edit = db.session.scalars(query.order_by(AuditEvent.id))
    assert [draft.action, published.action, edit.action] == [
        "answer.draft",
        "answer.publish",
        "answer.edit",
    ]
    assert {event.actor_label for event in (draft, published, edit)} == {moderator.email}
    assert (edit.before["disposition"], edit.after["disposition"]) == ("taken", "taken")
    assert (edit.before["body_length"], edit.after["body_length"]) == (
        len(PUBLISH["body"]),
        len(EDITED),
    )
    assert edit.before["body_sha256"] != edit.after["body_sha256"]
    assert EDITED not in str(edit.after) and PUBLISH["body"] not in str(edit.before)
