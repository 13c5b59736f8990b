"""Moderators mask passages of a contribution: the public reads the mask, staff the original."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from consultation.contributions.models import Contribution, Status
from consultation.core.audit import AuditEvent
from consultation.extensions import db
from consultation.moderation import redaction
from consultation.moderation.models import Redaction
from tests import factories

PLACEHOLDER = "[passage masqué par la modération]"
TEXT = (
    "Je suis Jeanne Martin, suivie pour un diabète de type 1 à l’hôpital de Rodez.\n\n"
    "Le dossier partagé doit rester consultable par le patient."
)


def redact_url(contribution) -> str:
    return f"/moderation/contributions/{contribution.id}/masquer-un-passage"


def undo_url(contribution, masked: Redaction) -> str:
    return f"/moderation/contributions/{contribution.id}/masquages/{masked.id}/annuler"


def _redactions(contribution) -> list[Redaction]:
    query = select(Redaction).where(Redaction.contribution_id == contribution.id)
    return list(db.session.scalars(query.order_by(Redaction.id)))


def _events(contribution, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.object_id == str(contribution.id), AuditEvent.action == action
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


@pytest.fixture
def contribution(make_chapter):
    return factories.make_contribution(make_chapter(), body=TEXT)


def test_masking_replaces_every_passage_and_keeps_the_text_before(client, login, contribution):
    moderator = login(role="moderator")

    response = client.post(
        redact_url(contribution),
        data={"passages": "Jeanne Martin\ndiabète de type 1\n", "reason": "donnees_personnelles"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/moderation/contributions/{contribution.id}"
    assert contribution.body == (
        f"Je suis {PLACEHOLDER}, suivie pour un {PLACEHOLDER} à l’hôpital de Rodez.\n\n"
        "Le dossier partagé doit rester consultable par le patient."
    )
    assert "Jeanne" not in contribution.body_html
    assert PLACEHOLDER in contribution.body_html
    [masked] = _redactions(contribution)
    assert masked.body_before == TEXT
    assert masked.passages == ["Jeanne Martin", "diabète de type 1"]
    assert masked.reason == "donnees_personnelles"
    assert masked.moderator_id == moderator.id
    [event] = _events(contribution, "contribution.redact")
    assert event.actor_id == moderator.id
    assert event.before == {"length": len(TEXT)}
    assert event.after["passages"] == ["Jeanne Martin", "diabète de type 1"]
    assert event.after["length"] == len(contribution.body)


def test_the_public_reads_the_mask_and_the_mention_of_moderation(client, login, contribution):
    login(role="moderator")
    client.post(redact_url(contribution), data={"passages": "Jeanne Martin", "reason": "autre"})
    client.post("/deconnexion")
    chapter = contribution.chapter

    pages = [
        client.get(f"/contributions/{contribution.reference}").text,
        client.get(f"/consultations/{chapter.consultation.slug}/chapitres/1").text,
        client.get(f"/consultations/{chapter.consultation.slug}/chapitres/1/contributions").text,
    ]

    for page in pages:
        assert "Jeanne Martin" not in page
        assert PLACEHOLDER in page
        assert "Modifiée par la modération le <time" in page
        assert '<time datetime="2026-03-02T10:00+01:00">2 mars 2026</time>.' in page


def test_the_masked_passage_is_in_no_search_result_nor_the_json_api(client, login, contribution):
    login(role="moderator")
    client.post(redact_url(contribution), data={"passages": "Rodez", "reason": "autre"})
    client.post("/deconnexion")
    client.get("/")  # shows the flashed "signed out" once
    slug = contribution.consultation.slug

    search = client.get("/recherche?q=Rodez")
    nothing = client.get("/recherche?q=Zyxwvu")
    api = [client.get("/api/consultations"), client.get(f"/api/consultations/{slug}")]

    assert search.status_code == 200
    # Searching the masked word finds no more than a word nobody wrote.
    assert search.text.replace("Rodez", "MOT") == nothing.text.replace("Zyxwvu", "MOT")
    assert all(response.status_code == 200 and "Rodez" not in response.text for response in api)


def test_staff_read_the_original_and_who_masked_what_and_why(client, login, contribution):
    moderator = login(role="moderator", display_name="Camille Modératrice")
    client.post(redact_url(contribution), data={"passages": "Jeanne Martin", "reason": "injurieux"})

    page = client.get(f"/moderation/contributions/{contribution.id}").text

    assert "Texte d’origine (réservé à la modération)" in page
    assert "Je suis Jeanne Martin, suivie" in page
    assert "Camille Modératrice" in page
    assert "Propos injurieux ou diffamatoires" in page
    assert "« Jeanne Martin »" in page
    assert moderator.display_name in page


def test_two_redactions_and_an_undo_lose_no_text(client, login, contribution):
    login(role="moderator")
    client.post(redact_url(contribution), data={"passages": "Jeanne Martin", "reason": "autre"})
    client.post(redact_url(contribution), data={"passages": "Rodez", "reason": "autre"})
    first, second = _redactions(contribution)
    after_two = contribution.body

    response = client.post(undo_url(contribution, second))

    assert response.status_code == 302
    assert contribution.body == second.body_before == first_masked_text()
    assert "Rodez" in contribution.body and "Jeanne Martin" not in contribution.body
    assert first.body_before == TEXT
    assert redaction.mask(second.body_before, second.passages) == after_two
    assert len(_redactions(contribution)) == 2
    [event] = _events(contribution, "contribution.redact_undo")
    assert event.after["redaction_id"] == second.id
    page = client.get(f"/moderation/contributions/{contribution.id}").text
    assert "texte rétabli tel qu’il était avant le masquage" in page
    assert "Je suis Jeanne Martin, suivie" in page


def first_masked_text() -> str:
    return TEXT.replace("Jeanne Martin", PLACEHOLDER)


def test_undoing_the_first_redaction_gives_back_the_author_s_text(client, login, contribution):
    login(role="moderator")
    client.post(redact_url(contribution), data={"passages": "Jeanne Martin", "reason": "autre"})
    client.post(redact_url(contribution), data={"passages": "Rodez", "reason": "autre"})
    first, _ = _redactions(contribution)

    client.post(undo_url(contribution, first))
    public_page = client.get(f"/contributions/{contribution.reference}").text

    assert contribution.body == TEXT
    assert "Jeanne Martin" in contribution.body_html
    assert "Modifiée par la modération" not in public_page


def test_undoing_when_the_text_is_already_back_changes_nothing(client, login, contribution):
    login(role="moderator")
    client.post(redact_url(contribution), data={"passages": "Rodez", "reason": "autre"})
    [masked] = _redactions(contribution)
    client.post(undo_url(contribution, masked))

    response = client.post(undo_url(contribution, masked))

    assert response.status_code == 409
    assert "il n’y a rien à rétablir" in response.text
    assert len(_events(contribution, "contribution.redact_undo")) == 1


def test_a_redaction_of_another_contribution_cannot_be_undone_here(client, login, contribution):
    other = factories.make_contribution(contribution.chapter, body=TEXT)
    login(role="moderator")
    client.post(redact_url(other), data={"passages": "Rodez", "reason": "autre"})
    [masked] = _redactions(other)

    assert client.post(undo_url(contribution, masked)).status_code == 404


def test_a_passage_not_in_the_text_is_named_and_nothing_changes(client, login, contribution):
    login(role="moderator")

    response = client.post(
        redact_url(contribution),
        data={"passages": "Jeanne Martin\nPaul Durand", "reason": "donnees_personnelles"},
    )

    assert response.status_code == 422
    assert (
        "Le passage « Paul Durand » ne figure pas dans le texte actuel de la contribution."
        in response.text
    )
    assert 'aria-describedby="passages-messages"' in response.text
    assert "Jeanne Martin\nPaul Durand" in response.text  # what was typed is given back
    assert contribution.body == TEXT
    assert _redactions(contribution) == []
    assert _events(contribution, "contribution.redact") == []


@pytest.mark.parametrize(
    ("passages", "message"),
    [
        ("", "Indiquez au moins un passage à masquer, un par ligne."),
        ("  \n \n", "Indiquez au moins un passage à masquer, un par ligne."),
        ("J", "Le passage « J » est trop court"),
        ("\n".join(f"passage {n}" for n in range(21)), "Indiquez au plus 20 passages à la fois."),
    ],
)
def test_bad_passages_are_refused_with_a_message(client, login, contribution, passages, message):
    login(role="moderator")

    response = client.post(redact_url(contribution), data={"passages": passages, "reason": "autre"})

    assert response.status_code == 422
    assert message in response.text
    assert contribution.body == TEXT
    assert _redactions(contribution) == []


def test_a_reason_outside_the_charter_is_refused(client, login, contribution):
    login(role="moderator")

    response = client.post(redact_url(contribution), data={"passages": "Rodez", "reason": "x"})

    assert response.status_code == 422
    assert contribution.body == TEXT


def test_a_passage_broken_across_lines_in_the_text_is_found(client, login, make_chapter):
    contribution = factories.make_contribution(
        make_chapter(), body="Signé : Jeanne\nMartin, Rodez."
    )
    login(role="moderator")

    client.post(redact_url(contribution), data={"passages": "Jeanne Martin", "reason": "autre"})

    assert contribution.body == f"Signé : {PLACEHOLDER}, Rodez."


def test_a_passage_that_only_appears_inside_a_mask_is_not_found(client, login, contribution):
    login(role="moderator")
    client.post(redact_url(contribution), data={"passages": "Rodez", "reason": "autre"})

    response = client.post(
        redact_url(contribution), data={"passages": "par la modération", "reason": "autre"}
    )

    assert response.status_code == 422
    assert "« par la modération » ne figure pas" in response.text


def test_a_longer_passage_is_masked_whole_before_a_shorter_one_inside_it(
    client, login, contribution
):
    login(role="moderator")

    client.post(
        redact_url(contribution), data={"passages": "Martin\nJeanne Martin", "reason": "autre"}
    )

    assert contribution.body.startswith(f"Je suis {PLACEHOLDER}, suivie")


def test_hidden_and_pending_contributions_can_be_masked_but_not_refused_ones(
    client, login, make_chapter
):
    chapter = make_chapter()
    hidden = factories.make_contribution(chapter, body=TEXT, status=Status.HIDDEN)
    pending = factories.make_contribution(chapter, body=TEXT, status=Status.PENDING)
    rejected = factories.make_contribution(chapter, body=TEXT, status=Status.REJECTED)
    login(role="moderator")

    answers = [
        client.post(redact_url(item), data={"passages": "Rodez", "reason": "autre"})
        for item in (hidden, pending, rejected)
    ]

    assert [answer.status_code for answer in answers] == [302, 302, 409]
    assert "Rodez" not in hidden.body and "Rodez" not in pending.body
    assert rejected.body == TEXT


def test_a_text_changed_meanwhile_is_not_written_over(app, login, contribution):
    moderator = factories.make_user(role="moderator")
    stale = contribution.body
    db.session.execute(
        update(Contribution)
        .where(Contribution.id == contribution.id)
        .values(body=TEXT.replace("Rodez", PLACEHOLDER))
        .execution_options(synchronize_session=False)
    )

    with pytest.raises(redaction.RedactionRefused, match="modifié par quelqu’un d’autre"):
        redaction.redact(contribution, ["Jeanne Martin"], redaction.CharterReason.OTHER, moderator)

    assert contribution.body == stale  # the object was not changed either
    assert _redactions(contribution) == []


def test_markup_in_passages_and_text_stays_inert(client, login, make_chapter):
    payload = '<img src=x onerror="alert(1)">'
    contribution = factories.make_contribution(
        make_chapter(), body=f"Un texte avec {payload} et un nom : Jeanne Martin."
    )
    login(role="moderator")

    client.post(
        redact_url(contribution), data={"passages": f"{payload}\nJeanne Martin", "reason": "autre"}
    )
    staff_page = client.get(f"/moderation/contributions/{contribution.id}").text
    refused = client.post(
        redact_url(contribution), data={"passages": "<script>alert(2)</script>", "reason": "autre"}
    )

    assert payload not in staff_page
    assert "&lt;img src=x onerror=" in staff_page
    assert "<script>alert(2)</script>" not in refused.text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in refused.text
    assert payload not in contribution.body


@pytest.mark.parametrize("role", ["contributor", "analyst"])
def test_only_moderators_mask_or_undo(client, login, contribution, role):
    moderator = factories.make_user(role="moderator")
    masked = redaction.redact(contribution, ["Rodez"], redaction.CharterReason.OTHER, moderator)
    masked_body = contribution.body
    login(role=role)

    responses = [
        client.get(redact_url(contribution)),
        client.post(redact_url(contribution), data={"passages": "Jeanne", "reason": "autre"}),
        client.post(undo_url(contribution, masked)),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert contribution.body == masked_body
    assert len(_redactions(contribution)) == 1


def test_the_form_shows_the_current_text_and_the_personal_data_reason_first(
    client, login, contribution
):
    login(role="moderator")

    page = client.get(redact_url(contribution)).text

    assert "Je suis Jeanne Martin" in page
    assert re.search(r'<input checked[^>]* value="donnees_personnelles"', page)
    assert "Clore les signalements" not in page  # no open report
