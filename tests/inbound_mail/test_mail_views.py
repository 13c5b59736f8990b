"""Moderators read the mail: queue with filters and counts, one message, staff downloads, bilan."""

from __future__ import annotations

import re

import pytest

from consultation.core.roles import Role
from consultation.inbound_mail.models import MessageState

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


pytestmark = pytest.mark.usefixtures("storage_dir")


def mail_pages(message) -> list[str]:
    return [
        "/moderation/courriels",
        "/moderation/courriels/bilan",
        f"/moderation/courriels/{message.id}",
        f"/moderation/courriels/{message.id}/original.eml",
    ]


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_moderators_and_admins_reach_every_mail_page(client, login, make_inbound_message, role):
    message = make_inbound_message()
    login(role=role)

    statuses = [client.get(url).status_code for url in mail_pages(message)]

    assert statuses == [200, 200, 200, 200]


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.ANALYST])
def test_contributors_and_analysts_are_refused_every_mail_page(
    client, login, make_inbound_message, role
):
    message = make_inbound_message(subject="Objet confidentiel")
    login(role=role)

    responses = [client.get(url) for url in mail_pages(message)]

    assert [response.status_code for response in responses] == [403, 403, 403, 403]
    assert not any("Objet confidentiel" in response.text for response in responses[:3])


def test_anonymous_visitors_are_sent_to_sign_in_from_the_mail_pages(client, make_inbound_message):
    message = make_inbound_message()

    responses = [client.get(url) for url in mail_pages(message)]

    assert all(response.status_code == 302 for response in responses)
    assert all(response.headers["Location"].startswith("/connexion") for response in responses)


def test_the_queue_lists_new_mail_oldest_first_with_counts_per_state(
    client, clock, login, make_inbound_message
):
    older = make_inbound_message(subject="Premier courriel reçu")
    clock.advance(minutes=5)
    newer = make_inbound_message(subject="Second courriel reçu")
    make_inbound_message(subject="Courriel déjà publié", state=MessageState.PUBLISHED)
    make_inbound_message(subject="Courriel suspect", state=MessageState.QUARANTINED)
    login(role="moderator")

    page = client.get("/moderation/courriels").text

    assert page.index(older.subject) < page.index(newer.subject)
    assert "Courriel déjà publié" not in page
    assert "Courriel suspect" not in page
    assert "À trier : 2" in page
    assert "Publié : 1" in page
    assert "En quarantaine : 1" in page


def test_the_queue_filters_by_state_and_by_consultation(
    client, login, make_consultation, make_inbound_message
):
    consultation = make_consultation(title="Doctrine du numérique")
    make_inbound_message(subject="Quarantaine de la doctrine", consultation=consultation,
                         state=MessageState.QUARANTINED)  # fmt: skip
    make_inbound_message(subject="Quarantaine d’une autre", state=MessageState.QUARANTINED)
    make_inbound_message(subject="Nouveau de la doctrine", consultation=consultation)
    login(role="moderator")

    page = client.get(f"/moderation/courriels?etat=quarantined&consultation={consultation.id}").text

    assert "Quarantaine de la doctrine" in page
    assert "Quarantaine d’une autre" not in page
    assert "Nouveau de la doctrine" not in page
    assert "À trier : 1" in page
    assert "En quarantaine : 1" in page


def test_the_queue_shows_unassigned_mail_with_its_badges(client, login, make_inbound_message):
    make_inbound_message(
        subject="Sans destinataire connu",
        consultation=None,
        is_out_of_period=True,
        defects=["En-tête Date illisible"],
    )
    make_inbound_message(subject="Pour une consultation")
    login(role="moderator")

    page = client.get("/moderation/courriels?consultation=aucune").text

    assert "Sans destinataire connu" in page
    assert "Pour une consultation" not in page
    assert "Hors période" in page
    assert "1 anomalie" in page


def test_the_queue_goes_on_to_the_next_page_after_the_last_row(
    client, clock, login, make_inbound_message
):
    from consultation.inbound_mail import triage

    messages = []
    for number in range(triage.PAGE_SIZE + 2):
        messages.append(make_inbound_message(subject=f"Courriel numéro {number:03d}"))
        clock.advance(seconds=1)
    login(role="moderator")

    first = client.get("/moderation/courriels").text
    next_link = first.split('href="/moderation/courriels?')[-1].split('"')[0].replace("&amp;", "&")
    second = client.get("/moderation/courriels?" + next_link).text

    assert "Courriel numéro 049" in first
    assert "Courriel numéro 050" not in first
    assert "Courriel numéro 050" in second
    assert "Courriel numéro 051" in second
    assert "Courriel numéro 049" not in second


def test_the_message_view_escapes_html_in_the_subject_and_the_text(
    client, login, make_inbound_message
):
    message = make_inbound_message(
        subject="<script>alert('objet')</script>",
        body_text="Première ligne\n<script>alert('texte')</script>\nDernière ligne",
    )
    login(role="moderator")

    page = client.get(f"/moderation/courriels/{message.id}").text

    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#39;objet&#39;)&lt;/script&gt;" in page
    assert "Première ligne<br>" in page
    assert "&lt;script&gt;alert(&#39;texte&#39;)&lt;/script&gt;<br>" in page


def test_the_message_view_shows_defects_acknowledgement_and_attachments(
    client, login, make_inbound_message
):
    message = make_inbound_message(
        defects=["Pièce jointe refusée : programme.exe (type non accepté)"],
        acknowledgement_skipped="réponse automatique",
        attachments=[("position.pdf", "application/pdf", PDF)],
    )
    login(role="moderator")

    page = client.get(f"/moderation/courriels/{message.id}").text

    assert "Pièce jointe refusée : programme.exe (type non accepté)" in page
    assert "non envoyé : réponse automatique" in page
    assert "position.pdf" in page
    assert "application/pdf" in page
    assert "non publiée" in page


def test_the_raw_message_downloads_as_an_attachment_that_never_runs(
    client, login, make_inbound_message
):
    message = make_inbound_message(subject="Preuve à conserver")
    login(role="moderator")

    response = client.get(f"/moderation/courriels/{message.id}/original.eml")

    assert response.data == message.raw
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_an_attachment_of_a_mail_downloads_as_an_attachment_that_never_runs(
    client, login, make_inbound_message
):
    message = make_inbound_message(attachments=[("position.pdf", "application/pdf", PDF)])
    attachment_id = _attachment_id(message)
    login(role="moderator")

    response = client.get(f"/moderation/courriels/{message.id}/pieces-jointes/{attachment_id}")

    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.ANALYST])
def test_an_attachment_of_a_mail_is_refused_to_everyone_but_moderators(
    client, login, make_inbound_message, role
):
    message = make_inbound_message(attachments=[("position.pdf", "application/pdf", PDF)])
    attachment_id = _attachment_id(message)
    login(role=role)

    response = client.get(f"/moderation/courriels/{message.id}/pieces-jointes/{attachment_id}")

    assert response.status_code == 403
    assert PDF not in response.data


def _attachment_id(message) -> int:
    from sqlalchemy import select

    from consultation.contributions.models import Attachment
    from consultation.extensions import db

    query = select(Attachment.id).where(Attachment.inbound_message_id == message.id)
    return db.session.scalar(query)


def test_an_attachment_is_not_served_under_another_message(client, login, make_inbound_message):
    message = make_inbound_message(attachments=[("position.pdf", "application/pdf", PDF)])
    other = make_inbound_message()
    attachment_id = _attachment_id(message)
    login(role="moderator")

    response = client.get(f"/moderation/courriels/{other.id}/pieces-jointes/{attachment_id}")

    assert response.status_code == 404


def test_the_accounting_page_adds_up_each_consultation(
    client, login, make_consultation, make_inbound_message
):
    consultation = make_consultation(title="Doctrine du numérique en santé")
    for state in (MessageState.NEW, MessageState.NEW, MessageState.REFUSED):
        make_inbound_message(consultation=consultation, state=state)
    make_inbound_message(consultation=consultation, state=MessageState.QUARANTINED,
                         is_out_of_period=True)  # fmt: skip
    make_inbound_message(consultation=None)
    login(role="moderator")

    page = client.get("/moderation/courriels/bilan").text

    row = page.split("Doctrine du numérique en santé</th>")[1].split("</tr>")[0]
    assert _figures(row) == ["4", "2", "0", "1", "1", "1"]
    assert "Sans concertation" in page


def _figures(row: str) -> list[str]:
    """The visible number of each cell of a table row, without the words for screen readers."""
    cells = row.split("<td>")[1:]
    return [re.sub(r"<[^>]+>", "", re.sub(r'<span class="fr-sr-only">.*?</span>', "", cell)).strip()
            for cell in cells]  # fmt: skip


def test_the_moderation_home_links_to_the_mail_queue(client, login):
    login(role="moderator")

    page = client.get("/moderation/").text

    assert 'href="/moderation/courriels"' in page
