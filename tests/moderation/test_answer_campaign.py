"""One official answer given to several contributions at once, all of them or none."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from consultation.contributions.models import Status
from consultation.core.audit import AuditEvent
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from consultation.moderation import answers, campaigns
from consultation.moderation.models import Answer, AnswerStatus, Disposition
from tests import factories

URL = "/moderation/reponses/campagne"
TEXT = "Merci : la proposition est reprise dans le texte final."
PUBLISH = {"disposition": "taken", "body": TEXT, "publish": "1"}
DRAFT = {"disposition": "partly_taken", "body": TEXT, "save_draft": "1"}


def campaign(client, contributions, **data):
    ids = [str(contribution.id) for contribution in contributions]
    return client.post(URL, data={**PUBLISH, **data, "contribution": ids})


def answer_count() -> int:
    return db.session.scalar(select(func.count(Answer.id)))


def answered_mails() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == "contribution_answered")
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def publish_one(contribution, body: str = "Une première réponse publiée.") -> None:
    moderator = factories.make_user(role="moderator")
    text = answers.AnswerText(body, Disposition.NOT_RETAINED)
    answers.publish(contribution, text, moderator)


@pytest.mark.parametrize("role", ["contributor", "analyst"])
def test_only_moderators_may_open_or_send_a_campaign(client, login, make_chapter, role):
    contribution = factories.make_contribution(make_chapter())
    login(role=role)

    page = client.get(URL, query_string={"contribution": contribution.id})
    sent = campaign(client, [contribution])

    assert [page.status_code, sent.status_code] == [403, 403]
    assert answer_count() == 0


def test_the_page_lists_the_selection_and_offers_one_answer_form(client, login, make_chapter):
    chapter = make_chapter()
    first, second = (factories.make_contribution(chapter) for _ in range(2))
    login(role="moderator")

    response = client.get(f"{URL}?contribution={first.id}&contribution={second.id}")

    assert response.status_code == 200
    assert first.reference in response.text and second.reference in response.text
    assert response.text.count('type="hidden" name="contribution"') == 2
    assert "Contributions sélectionnées (2)" in response.text
    assert "Remplacer les réponses déjà publiées" in response.text
    assert response.text.count("<h1") == 1


def test_publishing_answers_every_selected_contribution_and_tells_each_author_once(
    client, login, make_chapter
):
    chapter = make_chapter()
    author = factories.make_user()
    mine = [factories.make_contribution(chapter, author=author) for _ in range(2)]
    other = factories.make_contribution(chapter)
    login(role="moderator")

    response = campaign(client, [*mine, other])

    published = [answers.answer_of(c) for c in (*mine, other)]
    mails = answered_mails()
    assert response.status_code == 302
    assert {(a.status, a.body, a.disposition) for a in published} == {
        (AnswerStatus.PUBLISHED, TEXT, Disposition.TAKEN_INTO_ACCOUNT)
    }
    assert sorted(mail.to_address for mail in mails) == sorted([author.email, other.author.email])
    [double] = [mail for mail in mails if mail.to_address == author.email]
    assert double.subject == "Vos 2 contributions ont reçu une réponse officielle"
    assert all(c.reference in double.body_text for c in mine)
    [event] = events("answer.campaign")
    assert event.after["count"] == 3
    assert event.after["references"] == [c.reference for c in (*mine, other)]
    assert len(events("answer.publish")) == 3
    page = client.get(f"/contributions/{other.reference}").text
    assert TEXT in page


def test_a_mixed_selection_is_refused_whole_and_names_each_contribution_at_fault(
    client, login, make_chapter
):
    chapter = make_chapter()
    ready = factories.make_contribution(chapter)
    pending = factories.make_contribution(chapter, status=Status.PENDING)
    answered = factories.make_contribution(chapter)
    publish_one(answered)
    login(role="moderator")

    response = campaign(client, [ready, pending, answered])

    assert response.status_code == 422
    assert "Aucune réponse n’a été enregistrée : 2 contributions ne peuvent pas la recevoir" in (
        response.text
    )
    assert f"<strong>{pending.reference}</strong> : Seule une contribution publiée" in response.text
    assert f"<strong>{answered.reference}</strong> : Elle a déjà une réponse publiée" in (
        response.text
    )
    assert ready.reference in response.text
    assert answers.answer_of(ready) is None and answers.answer_of(pending) is None
    assert answers.answer_of(answered).body == "Une première réponse publiée."
    assert len(answered_mails()) == 1  # the one of the earlier answer
    assert events("answer.campaign") == []


def test_replacing_published_answers_is_explicit_and_keeps_the_old_one(client, login, make_chapter):
    chapter = make_chapter()
    answered = factories.make_contribution(chapter)
    fresh = factories.make_contribution(chapter)
    publish_one(answered)
    login(role="moderator")

    response = campaign(client, [answered, fresh], replace="y")

    replaced = answers.answer_of(answered)
    assert response.status_code == 302
    assert replaced.body == TEXT
    assert [revision.body for revision in replaced.revisions] == ["Une première réponse publiée."]
    assert [mail.to_address for mail in answered_mails()] == [
        answered.author.email,
        fresh.author.email,
    ]
    [event] = events("answer.campaign")
    assert event.after["replaced"] == [answered.reference]
    assert len(events("answer.edit")) == 1


def test_the_same_published_answer_given_again_is_accepted_without_replacing(
    client, login, make_chapter
):
    chapter = make_chapter()
    answered = factories.make_contribution(chapter)
    publish_one(answered, body=TEXT)
    answers.answer_of(answered).disposition = Disposition.TAKEN_INTO_ACCOUNT
    login(role="moderator")

    response = campaign(client, [answered, factories.make_contribution(chapter)])

    assert response.status_code == 302
    assert answers.answer_of(answered).revisions == []


def test_a_draft_campaign_saves_drafts_and_refuses_contributions_already_answered(
    client, login, make_chapter
):
    chapter = make_chapter()
    pending = factories.make_contribution(chapter, status=Status.PENDING)
    answered = factories.make_contribution(chapter)
    publish_one(answered)
    login(role="moderator")

    refused = campaign(client, [pending, answered], **DRAFT, publish="")
    saved = campaign(client, [pending], **DRAFT, publish="")

    assert refused.status_code == 422
    assert "un brouillon ne la remplace pas" in refused.text
    assert saved.status_code == 302
    assert answers.answer_of(pending).status == AnswerStatus.DRAFT
    assert len(answered_mails()) == 1
    [event] = events("answer.campaign")
    assert event.after["mode"] == "draft"


def test_cited_sections_are_given_to_every_answer_of_the_campaign(client, login, make_chapter):
    chapter = make_chapter()
    selection = [factories.make_contribution(chapter) for _ in range(2)]
    login(role="moderator")

    campaign(client, selection, sections=f"{chapter.consultation_version.id}:1-1")

    for contribution in selection:
        [citation] = answers.answer_of(contribution).citations
        assert citation.section_title == "1.1 Identification"


def test_an_incomplete_form_is_refused_and_keeps_the_selection(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter())
    login(role="moderator")

    response = campaign(client, [contribution], body=" ", disposition="")

    assert response.status_code == 422
    assert "Saisissez le texte de la réponse." in response.text
    assert f'name="contribution" value="{contribution.id}"' in response.text
    assert answer_count() == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Aucune contribution n’est sélectionnée"),
        ("contribution=abc&contribution=999999", "Contribution introuvable (identifiant « abc »)"),
        ("contribution=%C2%B2&contribution=1e3", "Contribution introuvable (identifiant « ² »)"),
        (
            "&".join(f"contribution={n}" for n in range(1, 502)),
            "une campagne en compte au plus 500",
        ),
    ],
)
def test_a_selection_that_cannot_be_read_is_refused_with_a_message(client, login, query, message):
    login(role="moderator")

    response = client.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert message in response.text


def test_a_selection_across_consultations_is_refused(client, login, make_chapter):
    first = factories.make_contribution(make_chapter())
    second = factories.make_contribution(make_chapter())
    login(role="moderator")

    response = campaign(client, [first, second])

    assert response.status_code == 400
    assert "relèvent de plusieurs concertations" in response.text
    assert answer_count() == 0


def test_the_queue_lets_moderators_select_contributions_for_a_campaign(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter())
    login(role="moderator")

    page = client.get("/moderation/a-repondre").text

    assert f'action="{URL}"' in page
    assert f'name="contribution" value="{contribution.id}"' in page
    assert "Répondre à la sélection" in page


def test_an_answer_written_meanwhile_refuses_the_whole_campaign(make_chapter):
    chapter = make_chapter()
    first, second = (factories.make_contribution(chapter) for _ in range(2))
    selection = campaigns.select_contributions([str(first.id), str(second.id)])
    # Someone else answers the second one after the page read the selection.
    db.session.execute(
        insert(Answer).values(
            contribution_id=second.id,
            body="Écrite entre-temps.",
            disposition=Disposition.FOR_INFORMATION,
            status=AnswerStatus.DRAFT,
            updated_at=factories.at(),
        )
    )
    text = answers.AnswerText(TEXT, Disposition.TAKEN_INTO_ACCOUNT, ())

    with pytest.raises(answers.AnswerRefused) as refusal:
        campaigns.answer_all(selection, text, None, publish=True)

    assert "Une autre personne a répondu entre-temps" in refusal.value.message


def test_a_campaign_needs_the_csrf_token_of_the_page(app, client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter())
    login(role="moderator")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = campaign(client, [contribution])
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert response.status_code == 400
    assert answer_count() == 0
