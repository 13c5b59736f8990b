"""Moderators publish a mail as one or more contributions, refuse it, or release it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from consultation.contributions.models import Attachment, Channel, Contribution, Status
from consultation.extensions import db
from consultation.inbound_mail.models import MessageState, RefusalReason
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TXT = "Annexe : calendrier proposé.\n".encode()


pytestmark = pytest.mark.usefixtures("storage_dir")


@pytest.fixture
def two_chapters(make_consultation, make_batch, make_chapter):
    consultation = make_consultation(title="Doctrine du numérique en santé")
    batch = make_batch(consultation)
    return make_chapter(batch=batch), make_chapter(batch=batch)


def publish_form(message, *excerpts, **fields) -> dict[str, str]:
    """The triage form as a browser sends it; excerpts are (place, body) pairs."""
    data = {
        "consultation": str(message.consultation_id),
        "author_label": "Association des patients connectés",
        "profile": str(factories.profile("usagers").id),
        "organisation": "Association des patients connectés",
        "action": "publier",
    }
    for index, (place, body) in enumerate(excerpts):
        data[f"excerpts-{index}-place"] = place
        data[f"excerpts-{index}-body"] = body
    data.update(fields)
    return data


def contributions_of(message) -> list[Contribution]:
    query = select(Contribution).where(Contribution.source_message_id == message.id)
    return list(db.session.scalars(query.order_by(Contribution.id)))


def visible_text(html: str) -> str:
    """What a reader sees of a page: its text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def chapter_url(chapter) -> str:
    return f"/consultations/{chapter.consultation.slug}/chapitres/{chapter.number}"


def test_publishing_one_excerpt_makes_a_published_email_contribution(
    client, clock, login, two_chapters, make_inbound_message
):
    chapter, _ = two_chapters
    message = make_inbound_message(consultation=chapter.consultation)
    moderator = login(role="moderator")
    clock.advance(hours=3)

    response = client.post(
        f"/moderation/courriels/{message.id}/trier",
        data=publish_form(message, (str(chapter.id), "Notre avis sur les principes communs.")),
    )

    [contribution] = contributions_of(message)
    assert response.status_code == 302
    assert contribution.channel == Channel.EMAIL
    assert contribution.status == Status.PUBLISHED
    assert contribution.submitted_at == message.sent_at
    assert contribution.published_at == clock.now()
    assert contribution.author_label == "Association des patients connectés"
    assert contribution.profile.code == "usagers"
    assert contribution.author is None
    assert message.state == MessageState.PUBLISHED
    assert message.triaged_by == moderator
    assert message.triaged_at == clock.now()
    assert contribution.reference in client.get(response.headers["Location"]).text


def test_a_mail_split_in_two_excerpts_is_public_on_both_chapters(
    client, login, two_chapters, make_inbound_message
):
    first, second = two_chapters
    message = make_inbound_message(consultation=first.consultation)
    login(role="moderator")

    client.post(
        f"/moderation/courriels/{message.id}/trier",
        data=publish_form(
            message,
            (f"{first.id}:1-1", "Sur l’identification : un identifiant unique suffit."),
            (str(second.id), "Sur le chapitre deux : le calendrier est trop court."),
        ),
    )
    client.post("/deconnexion")

    on_first, on_second = contributions_of(message)
    first_page, second_page = (
        client.get(chapter_url(first)).text,
        client.get(chapter_url(second)).text,
    )
    assert (on_first.chapter, on_first.section_anchor) == (first, "1-1")
    assert on_first.section_title == "1.1 Identification"
    assert (on_second.chapter, on_second.section_anchor) == (second, None)
    assert on_first.reference != on_second.reference
    assert "un identifiant unique suffit" in first_page
    assert "le calendrier est trop court" in second_page
    assert "le calendrier est trop court" not in first_page
    assert "Reçue par courriel le 2 mars 2026" in visible_text(first_page)
    assert "Reçue par courriel le 2 mars 2026" in visible_text(second_page)


def test_adding_an_excerpt_offers_a_second_one_prefilled_with_the_mail(
    client, login, two_chapters, make_inbound_message
):
    chapter, _ = two_chapters
    message = make_inbound_message(
        consultation=chapter.consultation, body_text="Texte du courriel."
    )
    login(role="moderator")

    response = client.post(
        f"/moderation/courriels/{message.id}/trier",
        data=publish_form(message, ("", "Premier extrait raccourci."), action="ajouter"),
    )

    assert response.status_code == 200
    assert "Extrait n° 2" in response.text
    assert 'name="excerpts-1-body"' in response.text
    assert "Premier extrait raccourci." in response.text
    assert contributions_of(message) == []


def test_the_form_proposes_a_pseudonym_never_the_sender_name(
    client, login, two_chapters, make_inbound_message
):
    chapter, _ = two_chapters
    message = make_inbound_message(consultation=chapter.consultation, sender_name="Jeanne Martin")
    login(role="moderator")

    page = client.get(f"/moderation/courriels/{message.id}").text

    label_input = page.split('id="author_label"')[0].rsplit("<input", 1)[1]
    label_input += page.split('id="author_label"')[1].split(">")[0]
    assert 'value="Participant ' in label_input
    assert "Jeanne Martin" not in label_input


def test_attachments_are_public_only_when_the_moderator_publishes_them(
    client, login, two_chapters, make_inbound_message
):
    chapter, _ = two_chapters
    message = make_inbound_message(
        consultation=chapter.consultation,
        attachments=[("position.pdf", "application/pdf", PDF), ("annexe.txt", "text/plain", TXT)],
    )
    login(role="moderator")

    client.post(
        f"/moderation/courriels/{message.id}/trier",
        data=publish_form(
            message,
            (str(chapter.id), "Notre position, détaillée dans le document joint."),
            **{"attachments-0-excerpt": "1", "attachments-1-excerpt": ""},
        ),
    )
    client.post("/deconnexion")

    [contribution] = contributions_of(message)
    published, kept = db.session.scalars(
        select(Attachment)
        .where(Attachment.inbound_message_id == message.id)
        .order_by(Attachment.id)
    )
    page = client.get(f"/contributions/{contribution.reference}").text
    assert (published.contribution_id, published.is_public) == (contribution.id, True)
    assert (kept.contribution_id, kept.is_public) == (None, False)
    assert "position.pdf" in page
    assert "annexe.txt" not in page
    public_file = f"/contributions/{contribution.reference}/pieces-jointes/{published.id}"
    private_file = f"/contributions/{contribution.reference}/pieces-jointes/{kept.id}"
    assert client.get(public_file).data == PDF
    assert client.get(private_file).status_code == 404


def test_a_sender_with_a_confirmed_account_becomes_the_author(
    client, login, make_user, two_chapters, make_inbound_message
):
    chapter, _ = two_chapters
    member = make_user(email="marie.durand@exemple.fr")
    message = make_inbound_message(
        consultation=chapter.consultation, sender_address="Marie.Durand@exemple.fr"
    )
    login(role="moderator")

    client.post(
        f"/moderation/courriels/{message.id}/trier",
        data=publish_form(message, (str(chapter.id), "Mon avis envoyé par courriel.")),
    )

    [contribution] = contributions_of(message)
    assert contribution.author == member
    assert contribution.channel == Channel.EMAIL


def test_publishing_a_mail_twice_creates_nothing_the_second_time(
    client, login, two_chapters, make_inbound_message
):
    chapter, _ = two_chapters
    message = make_inbound_message(consultation=chapter.consultation)
    login(role="moderator")
    data = publish_form(message, (str(chapter.id), "Notre avis, envoyé une seule fois."))
    client.post(f"/moderation/courriels/{message.id}/trier", data=data)

    second = client.post(f"/moderation/courriels/{message.id}/trier", data=data)

    assert second.status_code == 409
    assert "Ce courriel a déjà été traité" in second.text
    assert len(contributions_of(message)) == 1


def test_a_mail_refused_meanwhile_cannot_be_published(
    client, login, two_chapters, make_inbound_message
):
    chapter, _ = two_chapters
    message = make_inbound_message(consultation=chapter.consultation)
    login(role="moderator")
    client.post(f"/moderation/courriels/{message.id}/refuser", data={"refus-reason": "spam"})

    response = client.post(
        f"/moderation/courriels/{message.id}/trier",
        data=publish_form(message, (str(chapter.id), "Texte publié par erreur.")),
    )

    assert response.status_code == 409
    assert contributions_of(message) == []
    assert message.state == MessageState.REFUSED


def test_an_excerpt_without_chapter_or_text_is_refused_with_the_reasons(
    client, login, two_chapters, make_inbound_message
):
    chapter, _ = two_chapters
    message = make_inbound_message(consultation=chapter.consultation)
    login(role="moderator")

    response = client.post(
        f"/moderation/courriels/{message.id}/trier",
        data=publish_form(message, ("", ""), profile=""),
    )

    assert response.status_code == 422
    assert "Choisissez le chapitre de l’extrait." in response.text
    assert "Saisissez le texte de l’extrait." in response.text
    assert "Choisissez le profil de l’expéditeur." in response.text
    assert 'href="#excerpts-0-place"' in response.text
    assert message.state == MessageState.NEW


def test_a_chapter_of_another_consultation_is_refused(
    client, login, two_chapters, make_chapter, make_inbound_message
):
    chapter, _ = two_chapters
    elsewhere = make_chapter()
    message = make_inbound_message(consultation=chapter.consultation)
    login(role="moderator")

    response = client.post(
        f"/moderation/courriels/{message.id}/trier",
        data=publish_form(message, (str(elsewhere.id), "Un avis sur un autre texte.")),
    )

    assert response.status_code == 422
    assert "Choisissez un chapitre publié de la consultation choisie." in response.text
    assert contributions_of(message) == []


def test_an_unpublished_chapter_is_not_offered(
    client, login, make_consultation, make_batch, make_chapter, make_inbound_message
):
    consultation = make_consultation()
    published = make_chapter(batch=make_batch(consultation), title="Chapitre déjà public")
    later = make_chapter(
        batch=make_batch(consultation, publish_in=timedelta(days=5)), title="Chapitre à venir"
    )
    message = make_inbound_message(consultation=consultation)
    login(role="moderator")

    page = client.get(f"/moderation/courriels/{message.id}").text

    assert published.title in page
    assert later.title not in page


def test_refusing_records_the_reason_and_who_refused(client, clock, login, make_inbound_message):
    message = make_inbound_message()
    moderator = login(role="moderator")

    response = client.post(
        f"/moderation/courriels/{message.id}/refuser",
        data={"refus-reason": "off_topic", "refus-comment": "Demande de rendez-vous."},
    )

    assert response.status_code == 302
    assert message.state == MessageState.REFUSED
    assert message.refusal_reason == RefusalReason.OFF_TOPIC
    assert message.state_comment == "Demande de rendez-vous."
    assert (message.triaged_by, message.triaged_at) == (moderator, clock.now())


def test_refusing_for_another_reason_needs_a_comment(client, login, make_inbound_message):
    message = make_inbound_message()
    login(role="moderator")

    response = client.post(
        f"/moderation/courriels/{message.id}/refuser", data={"refus-reason": "other"}
    )

    assert response.status_code == 422
    assert "Précisez le motif du refus dans le commentaire." in response.text
    assert message.state == MessageState.NEW


def test_a_quarantined_mail_is_released_only_once_inspection_is_confirmed(
    client, login, make_inbound_message
):
    message = make_inbound_message(
        state=MessageState.QUARANTINED, state_comment="En-tête From mal formé"
    )
    login(role="moderator")

    unconfirmed = client.post(f"/moderation/courriels/{message.id}/liberer", data={})
    state_after_unconfirmed = message.state
    confirmed = client.post(
        f"/moderation/courriels/{message.id}/liberer", data={"liberation-is_inspected": "y"}
    )

    assert unconfirmed.status_code == 422
    assert "Cochez la case pour confirmer" in unconfirmed.text
    assert state_after_unconfirmed == MessageState.QUARANTINED
    assert confirmed.status_code == 302
    assert message.state == MessageState.NEW
    assert "En-tête From mal formé" in message.state_comment


def test_a_quarantined_mail_can_be_refused(client, login, make_inbound_message):
    message = make_inbound_message(state=MessageState.QUARANTINED)
    login(role="moderator")

    client.post(f"/moderation/courriels/{message.id}/refuser", data={"refus-reason": "spam"})

    assert message.state == MessageState.REFUSED
    assert message.refusal_reason == RefusalReason.SPAM


def test_the_source_message_link_is_shown_to_staff_only(
    client, login, two_chapters, make_inbound_message
):
    chapter, _ = two_chapters
    message = make_inbound_message(consultation=chapter.consultation)
    login(role="moderator")
    client.post(
        f"/moderation/courriels/{message.id}/trier",
        data=publish_form(message, (str(chapter.id), "Notre avis publié par transparence.")),
    )
    [contribution] = contributions_of(message)
    source_link = f'href="/moderation/courriels/{message.id}"'

    as_moderator = client.get(f"/contributions/{contribution.reference}").text
    client.post("/deconnexion")
    as_visitor = client.get(f"/contributions/{contribution.reference}").text

    assert source_link in as_moderator
    assert source_link not in as_visitor
    assert "Reçue par courriel le 2 mars 2026" in visible_text(as_visitor)


def test_removing_the_last_excerpt_keeps_the_first(
    client, login, two_chapters, make_inbound_message
):
    chapter, _ = two_chapters
    message = make_inbound_message(consultation=chapter.consultation)
    login(role="moderator")
    excerpts = [(str(chapter.id), "Premier extrait."), ("", "Second extrait.")]

    response = client.post(
        f"/moderation/courriels/{message.id}/trier",
        data=publish_form(message, *excerpts, action="retirer"),
    )

    assert "Premier extrait." in response.text
    assert "Second extrait." not in response.text
    assert "Extrait n° 2" not in response.text


def test_a_mail_triaged_by_someone_else_since_it_was_read_is_not_published_again(
    make_user, two_chapters, make_inbound_message
):
    from sqlalchemy import update

    from consultation.inbound_mail import triage
    from consultation.inbound_mail.models import InboundMessage

    chapter, _ = two_chapters
    message = make_inbound_message(consultation=chapter.consultation)
    # Another moderator's transaction published it after this one read it as new.
    db.session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == message.id)
        .values(state=MessageState.PUBLISHED)
        .execution_options(synchronize_session=False)
    )
    publication = triage.Publication(
        consultation=chapter.consultation,
        profile=factories.profile("usagers"),
        organisation=None,
        author_label="Participant ABC234",
        excerpts=(triage.Excerpt(chapter, None, "Un avis publié une seule fois."),),
    )

    with pytest.raises(triage.TriageRefused, match="déjà été traité"):
        triage.publish_message(message, make_user(role="moderator"), publication)

    assert contributions_of(message) == []
    assert message.state == MessageState.PUBLISHED


def test_a_change_of_consent_does_not_relabel_contributions_received_by_mail(make_user):
    from consultation.contributions.models import Channel
    from consultation.contributions.services import relabel_author
    from tests.factories import make_contribution

    user = make_user(display_name="Jeanne Martin", show_name=False)
    by_mail = make_contribution(author=user, channel=Channel.EMAIL, author_label="Fédération X")
    user.show_name = True

    relabel_author(user)

    assert by_mail.author_label == "Fédération X"
