"""The staff page of a contribution shows moderators everything about it, and only to them."""

from __future__ import annotations

import pytest
from jinja2 import ChoiceLoader, DictLoader

from consultation.contributions.models import Attachment, Channel, Status
from consultation.extensions import db
from consultation.moderation.models import Answer, AnswerStatus, Disposition, Report
from tests import factories


def _page_url(contribution) -> str:
    return f"/moderation/contributions/{contribution.id}"


def _report(contribution, key: str = "a" * 64, **values) -> Report:
    row = Report(contribution_id=contribution.id, reporter_key=key, reason="injurieux", **values)
    db.session.add(row)
    db.session.flush()
    return row


def test_the_staff_page_shows_the_file_of_the_contribution(client, login, make_chapter):
    author = factories.make_user(organisation="Association des usagers")
    contribution = factories.make_contribution(
        make_chapter(), author=author, organisation="Association des usagers"
    )
    login(role="moderator")

    response = client.get(_page_url(contribution))

    assert response.status_code == 200
    page = response.text
    assert f"<h1>Contribution {contribution.reference}</h1>" in page
    assert "Publiée" in page
    assert f"Chapitre 1 — {contribution.chapter.title}, dans son ensemble" in page
    assert f"compte n° {author.id}" in page
    assert "Citoyen" in page or contribution.profile.label in page
    assert "Association des usagers" in page
    assert "En ligne" in page
    assert contribution.body in page
    assert "Aucun signalement ouvert." in page
    assert "Pas encore de réponse." in page
    assert f'href="/moderation/contributions/{contribution.id}/reponse"' in page


def test_the_staff_page_offers_the_decisions_of_each_status(client, login, make_chapter):
    chapter = make_chapter()
    pending = factories.make_contribution(chapter, status=Status.PENDING)
    hidden = factories.make_contribution(chapter, status=Status.HIDDEN, status_reason="spam")
    login(role="moderator")

    pending_page = client.get(_page_url(pending)).text
    hidden_page = client.get(_page_url(hidden)).text

    assert f'action="/moderation/contributions/{pending.id}/publier"' in pending_page
    assert f'href="/moderation/contributions/{pending.id}/refuser"' in pending_page
    assert f'action="/moderation/contributions/{hidden.id}/retablir"' in hidden_page
    assert "Motif : Publicité ou spam" in hidden_page


def test_a_decision_taken_from_the_staff_page_comes_back_to_it(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter(), status=Status.PENDING)
    login(role="moderator")

    response = client.post(
        f"/moderation/contributions/{contribution.id}/publier",
        data={"retour": _page_url(contribution)},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == _page_url(contribution)
    assert contribution.status == Status.PUBLISHED


def test_the_staff_page_links_the_source_mail_and_every_attachment(
    client, login, make_chapter, make_inbound_message
):
    chapter = make_chapter()
    message = make_inbound_message(consultation=chapter.consultation)
    contribution = factories.make_contribution(
        chapter, channel=Channel.EMAIL, source_message_id=message.id
    )
    db.session.add(
        Attachment(
            contribution_id=contribution.id,
            filename="avis.pdf",
            is_public=False,
            content_type="application/pdf",
            size=12,
            sha256="0" * 64,
            storage_key="cle-de-test",
        )
    )
    db.session.flush()
    login(role="moderator")

    page = client.get(_page_url(contribution)).text

    assert f'href="/moderation/courriels/{message.id}"' in page
    assert "avis.pdf" in page
    assert "non publique" in page
    assert "Reçue par courriel" in page


def test_the_staff_page_shows_the_answer_status(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter())
    moderator = login(role="moderator")
    db.session.add(
        Answer(
            contribution_id=contribution.id,
            body="Merci.",
            moderator_id=moderator.id,
            disposition=Disposition.TAKEN_INTO_ACCOUNT,
            status=AnswerStatus.DRAFT,
        )
    )
    db.session.flush()

    page = client.get(_page_url(contribution)).text

    assert "Brouillon enregistré le" in page
    assert "Modifier la réponse" in page


def test_reporters_are_shown_as_an_account_number_or_a_visitor(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter())
    reader = factories.make_user()
    _report(contribution, "a" * 64, reporter_id=reader.id, comment="Propos insultants.")
    _report(contribution, "b" * 64, comment=None)
    login(role="moderator")

    page = client.get(_page_url(contribution)).text

    assert "2 signalements ouverts" in page
    assert f"compte n° {reader.id}" in page
    assert "visiteur" in page
    assert reader.email not in page
    assert reader.display_name not in page
    assert "Propos insultants." in page
    assert "Propos injurieux ou diffamatoires" in page


def test_an_unknown_contribution_gives_a_404(client, login):
    login(role="moderator")

    assert client.get("/moderation/contributions/999999").status_code == 404


@pytest.mark.parametrize("role", ["contributor", "analyst"])
def test_only_moderators_see_the_staff_page(client, login, make_chapter, role):
    contribution = factories.make_contribution(make_chapter())
    login(role=role)

    assert client.get(_page_url(contribution)).status_code == 403


def test_the_public_page_links_moderators_to_the_staff_page(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter())
    public_url = f"/contributions/{contribution.reference}"
    anonymous_page = client.get(public_url).text
    login(role="moderator")

    staff_view = client.get(public_url).text

    assert _page_url(contribution) not in anonymous_page
    assert f'href="{_page_url(contribution)}"' in staff_view


def test_other_modules_add_panels_to_the_staff_page(app, client, login, make_chapter):
    from consultation.moderation import contribution_views

    contribution = factories.make_contribution(make_chapter())
    login(role="moderator")
    panel_template = (
        "<section><h2>Thèmes</h2><p>{{ context.note }} {{ contribution.id }}</p></section>"
    )
    loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([DictLoader({"test/panel.html": panel_template}), loader])

    def panel(item):
        return ("test/panel.html", {"note": "Panneau de test"}) if item.id else None

    contribution_views.PANEL_SOURCES.append(panel)
    try:
        page = client.get(_page_url(contribution)).text
    finally:
        contribution_views.PANEL_SOURCES.remove(panel)
        app.jinja_env.loader = loader

    assert f"<p>Panneau de test {contribution.id}</p>" in page
