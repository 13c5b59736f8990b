"""Each charter decision and each publication by a moderator leaves its event in the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from consultation.contributions.models import Contribution, Status
from consultation.extensions import db
from consultation.publication.models import ModerationMode
from tests.audit_events import events, recorded


def decide(client, contribution, decision: str, **data: str):
    return client.post(f"/moderation/contributions/{contribution.id}/{decision}", data=data)


def test_refusing_records_the_moderator_the_status_and_the_reason(client, login, make_contribution):
    contribution = make_contribution(status=Status.PENDING)
    moderator = login(role="moderator")

    decide(client, contribution, "refuser", reason="hors_sujet", comment="Parle d’autre chose.")

    event = recorded("contribution.refuse")
    assert (event.actor_id, event.actor_label) == (moderator.id, moderator.email)
    assert event.object_label == contribution.reference
    assert event.before == {"status": "pending", "status_reason": None}
    assert event.after == {
        "status": "rejected",
        "status_reason": "hors_sujet: Parle d’autre chose.",
    }


def test_restoring_records_the_reason_it_was_hidden_for(client, login, make_contribution):
    contribution = make_contribution(status=Status.HIDDEN, status_reason="doublon")
    login(role="moderator")

    decide(client, contribution, "retablir")

    event = recorded("contribution.restore")
    assert event.object_id == str(contribution.id)
    assert event.before == {"status": "hidden", "status_reason": "doublon"}
    assert event.after == {"status": "published", "status_reason": None}


def test_publishing_a_pending_contribution_is_recorded(client, login, make_contribution):
    contribution = make_contribution(status=Status.PENDING)
    moderator = login(role="moderator")

    decide(client, contribution, "publier")

    event = recorded("contribution.publish")
    assert event.actor_label == moderator.email
    assert event.object_label == contribution.reference
    assert (event.before, event.after) == ({"status": "pending"}, {"status": "published"})


def test_a_decision_refused_because_someone_took_it_first_records_nothing(
    client, login, make_contribution
):
    contribution = make_contribution(status=Status.REJECTED, status_reason="spam")
    login(role="moderator")

    response = decide(client, contribution, "refuser", reason="spam")

    assert response.status_code == 409
    assert events() == []


def test_a_contribution_published_at_once_in_a_posteriori_mode_is_no_staff_action(
    client, login, make_consultation, make_batch, make_chapter
):
    consultation = make_consultation(moderation_mode=ModerationMode.A_POSTERIORI)
    chapter = make_chapter(batch=make_batch(consultation))
    login(role="contributor")

    response = client.post(
        f"/consultations/{consultation.slug}/chapitres/{chapter.number}/contribuer",
        data={"section": "", "body": "Un avis publié sans attendre.", "submission_key": "a" * 32},
    )

    assert response.status_code == 302
    assert db.session.scalar(select(Contribution.status)) == Status.PUBLISHED
    assert events() == []
