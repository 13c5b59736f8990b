"""Each triage of a mail (publish, split, refuse, release) leaves its event in the audit trail."""

from __future__ import annotations

import pytest

from consultation.inbound_mail.models import MessageState
from tests.audit_events import events, recorded
from tests.inbound_mail.test_triage import contributions_of, publish_form

pytestmark = pytest.mark.usefixtures("storage_dir")


@pytest.fixture
def two_chapters(make_consultation, make_batch, make_chapter):
    consultation = make_consultation(title="Doctrine du numérique en santé")
    batch = make_batch(consultation)
    return make_chapter(batch=batch), make_chapter(batch=batch)


def test_a_mail_split_in_two_contributions_is_recorded_with_both_references(
    client, login, two_chapters, make_inbound_message
):
    first, second = two_chapters
    message = make_inbound_message(consultation=None, subject="Avis de l’association")
    moderator = login(role="moderator")

    client.post(
        f"/moderation/courriels/{message.id}/trier",
        data=publish_form(
            message,
            (str(first.id), "Sur le premier chapitre : d’accord."),
            (str(second.id), "Sur le second chapitre : le calendrier est trop court."),
            consultation=str(first.consultation_id),
        ),
    )

    event = recorded("mail.publish")
    references = [contribution.reference for contribution in contributions_of(message)]
    assert len(references) == 2
    assert (event.actor_id, event.object_type) == (moderator.id, "inboundmessage")
    assert event.object_label == f"Courriel n° {message.id} : Avis de l’association"
    assert event.before == {"state": "new", "consultation.title": None}
    assert event.after == {
        "state": "published",
        "consultation.title": "Doctrine du numérique en santé",
        "contributions": references,
    }


def test_refusing_a_mail_records_the_reason_and_the_comment(client, login, make_inbound_message):
    message = make_inbound_message()
    moderator = login(role="moderator")

    client.post(
        f"/moderation/courriels/{message.id}/refuser",
        data={"refus-reason": "off_topic", "refus-comment": "Demande de rendez-vous."},
    )

    event = recorded("mail.refuse")
    assert event.actor_label == moderator.email
    assert event.object_id == str(message.id)
    assert event.before == {"state": "new", "refusal_reason": None, "state_comment": None}
    assert event.after == {
        "state": "refused",
        "refusal_reason": "off_topic",
        "state_comment": "Demande de rendez-vous.",
    }


def test_releasing_a_quarantined_mail_is_recorded(client, login, make_inbound_message):
    message = make_inbound_message(state=MessageState.QUARANTINED, state_comment="From illisible")
    moderator = login(role="moderator")

    client.post(
        f"/moderation/courriels/{message.id}/liberer", data={"liberation-is_inspected": "y"}
    )

    event = recorded("mail.release")
    assert event.actor_label == moderator.email
    assert (event.before, event.after) == ({"state": "quarantined"}, {"state": "new"})


def test_a_mail_triaged_twice_is_recorded_once(client, login, make_inbound_message):
    message = make_inbound_message()
    login(role="moderator")

    for _ in range(2):
        client.post(f"/moderation/courriels/{message.id}/refuser", data={"refus-reason": "spam"})

    assert [event.action for event in events()] == ["mail.refuse"]
