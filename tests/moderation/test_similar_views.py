"""Moderators read a group of near-identical contributions, answer it, tag it, or take one out."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consultation.contributions import themes
from consultation.contributions.models import SimilaritySignature, Status
from consultation.core.audit import AuditEvent
from consultation.extensions import db
from consultation.moderation import redaction
from consultation.moderation.decisions import CharterReason
from tests import factories
from tests.contributions.test_similarity import text


@pytest.fixture
def group(cli, make_chapter):
    """Three copies of one letter (the second one pending) and an unrelated contribution."""
    chapter = make_chapter()
    members = [
        factories.make_contribution(chapter, body=text(40), status=status)
        for status in (Status.PUBLISHED, Status.PENDING, Status.PUBLISHED)
    ]
    factories.make_contribution(chapter, body=text(41))
    result = cli.invoke(args=["contributions", "group-similar"])
    assert result.exit_code == 0, result.output
    assert {member.duplicate_group_id for member in members} == {members[0].id}
    return members


def test_the_group_page_lists_its_members_and_says_why(client, login, group):
    login(role="moderator")

    response = client.get(f"/moderation/similaires/{group[0].id}")

    assert response.status_code == 200
    page = response.text
    assert "Groupe de 3 contributions similaires" in page
    assert all(member.reference in page and member.author_label in page for member in group)
    assert "En attente de modération" in page
    assert "Sans réponse" in page
    assert "au moins 80 % de leurs passages de cinq mots sont communs" in page
    assert "environ 100 %" in page


def test_answering_the_group_opens_the_campaign_for_the_group(client, login, group):
    login(role="moderator")

    page = client.get(f"/moderation/similaires/{group[0].id}").text

    assert f'href="/moderation/reponses/campagne?groupe={group[0].id}">Répondre au groupe' in page


def test_the_group_campaign_answers_its_published_members_only(client, login, group):
    login(role="moderator")
    first, pending, third = group
    form = {"groupe": str(first.id), "disposition": "taken", "body": "Merci, c’est retenu."}

    listed = client.get(f"/moderation/reponses/campagne?groupe={first.id}").text
    response = client.post("/moderation/reponses/campagne", data={**form, "publish": "1"})

    assert first.reference in listed and third.reference in listed
    assert pending.reference not in listed
    assert response.status_code == 302
    assert first.answer.is_published and third.answer.is_published
    assert pending.answer is None


@pytest.mark.parametrize("group_param", ["", "abc", "999999"])
def test_a_group_campaign_without_published_members_is_refused(client, login, group_param):
    login(role="moderator")

    response = client.get(f"/moderation/reponses/campagne?groupe={group_param}")

    assert response.status_code == 400
    assert "n’a aucune contribution publiée" in response.text


def test_an_unknown_group_is_not_found(client, login, group):
    login(role="moderator")

    assert client.get(f"/moderation/similaires/{group[-1].id + 1000}").status_code == 404
    assert client.get(f"/moderation/similaires/{group[1].id}").status_code == 404


def test_taking_a_false_positive_out_keeps_it_out_after_the_next_run(cli, client, login, group):
    moderator = login(role="moderator")
    first, false_positive, third = group

    response = client.post(f"/moderation/similaires/{first.id}/retirer/{false_positive.id}")
    cli.invoke(args=["contributions", "group-similar"])
    page = client.get(response.headers["Location"]).text

    assert response.headers["Location"] == f"/moderation/similaires/{first.id}"
    assert false_positive.duplicate_group_id is None
    assert {first.duplicate_group_id, third.duplicate_group_id} == {first.id}
    assert "le regroupement automatique ne l’y remettra pas" in page
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contribution.ungroup")
    )
    assert (event.object_label, event.actor_id) == (false_positive.reference, moderator.id)


def test_when_the_group_is_left_with_one_member_it_is_dissolved(client, login, group):
    login(role="moderator")
    first, second, _ = group

    client.post(f"/moderation/similaires/{first.id}/retirer/{first.id}")
    response = client.post(f"/moderation/similaires/{second.id}/retirer/{second.id}")

    assert response.headers["Location"] == f"/moderation/contributions/{second.id}"
    assert [member.duplicate_group_id for member in group] == [None, None, None]


def test_taking_out_a_contribution_no_longer_in_the_group_changes_nothing(client, login, group):
    login(role="moderator")
    first, second, _ = group
    client.post(f"/moderation/similaires/{first.id}/retirer/{second.id}")

    response = client.post(f"/moderation/similaires/{first.id}/retirer/{second.id}")

    assert response.status_code == 409
    assert "ne fait plus partie de ce groupe" in response.text


def test_the_whole_group_is_tagged_with_a_theme_from_its_page(client, login, group):
    theme = themes.create_theme(group[0].consultation, "Courrier type")
    login(role="moderator")
    page = client.get(f"/moderation/similaires/{group[0].id}").text

    response = client.post(
        "/moderation/themes/attribuer",
        data={
            "contribution": [member.id for member in group],
            "theme": theme.id,
            "retour": f"/moderation/similaires/{group[0].id}",
        },
    )

    assert "Attribuer un thème à tout le groupe" in page
    assert response.headers["Location"] == f"/moderation/similaires/{group[0].id}"
    assert all([item.name for item in member.themes] == ["Courrier type"] for member in group)


def test_the_staff_page_of_a_member_links_to_its_group(client, login, group):
    login(role="moderator")

    page = client.get(f"/moderation/contributions/{group[1].id}").text

    assert "Cette contribution est presque identique à 2 autres contributions" in page
    assert f'href="/moderation/similaires/{group[0].id}"' in page


def test_analysts_do_not_reach_the_group_page(client, login, group):
    login(role="analyst")

    assert client.get(f"/moderation/similaires/{group[0].id}").status_code == 403


def test_masking_a_passage_has_the_next_run_sign_the_text_again(cli, client, login, group):
    moderator = login(role="moderator")
    masked = group[2]
    passage = masked.body.split(". ")[1]

    redaction.redact(masked, [passage], CharterReason.PERSONAL_DATA, moderator)
    signed_after_redaction = db.session.get(SimilaritySignature, masked.id)
    output = cli.invoke(args=["contributions", "group-similar"]).output

    assert signed_after_redaction is None
    assert "Contributions signées : 1" in output
    assert masked.duplicate_group_id == group[0].id
