"""Moderators and analysts manage themes and tag contributions with them from the back office."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consultation.contributions import themes
from consultation.contributions.models import Theme
from consultation.core.audit import AuditEvent
from consultation.extensions import db
from tests import factories


@pytest.fixture
def chapter(make_chapter):
    return make_chapter()


@pytest.fixture
def consultation(chapter):
    return chapter.consultation


def theme_names(consultation) -> list[str]:
    query = select(Theme.name).where(Theme.consultation_id == consultation.id)
    return sorted(db.session.scalars(query))


def actions() -> list[tuple[str, str]]:
    query = select(AuditEvent.action, AuditEvent.actor_label).order_by(AuditEvent.id)
    return [tuple(row) for row in db.session.execute(query)]


def test_an_analyst_creates_a_theme_and_sees_it_with_its_count(client, login, consultation):
    analyst = login(role="analyst")

    response = client.post(
        f"/moderation/themes?consultation={consultation.id}", data={"name": " Éthique "}
    )
    page = client.get(response.headers["Location"]).text

    assert response.status_code == 302
    assert theme_names(consultation) == ["Éthique"]
    assert "Le thème « Éthique » est créé." in page
    assert '<th scope="row">Éthique</th>' in page
    assert ("theme.create", analyst.email) in actions()


def test_a_name_already_taken_is_refused_on_its_field(client, login, consultation):
    themes.create_theme(consultation, "Éthique")
    login(role="moderator")

    response = client.post(
        f"/moderation/themes?consultation={consultation.id}", data={"name": "éTHIQUE"}
    )

    assert response.status_code == 422
    assert "Le thème « Éthique » existe déjà dans cette concertation." in response.text
    assert 'aria-describedby="name-messages"' in response.text
    assert "fr-input--error" in response.text
    assert theme_names(consultation) == ["Éthique"]


def test_a_name_too_short_is_refused_in_french(client, login, consultation):
    login(role="moderator")

    response = client.post(f"/moderation/themes?consultation={consultation.id}", data={"name": "x"})

    assert response.status_code == 422
    assert "doit compter entre 2 et 120 caractères" in response.text
    assert theme_names(consultation) == []


def test_without_a_consultation_the_page_offers_to_choose_one(client, login, consultation):
    login(role="analyst")

    chooser = client.get("/moderation/themes?consultation=abc")
    unknown = client.get("/moderation/themes?consultation=999999")

    assert chooser.status_code == 200
    assert f"/moderation/themes?consultation={consultation.id}" in chooser.text
    assert unknown.status_code == 404


def test_renaming_a_theme(client, login, consultation):
    theme = themes.create_theme(consultation, "Securite")
    login(role="moderator")

    response = client.post(f"/moderation/themes/{theme.id}/renommer", data={"name": "Sécurité"})

    assert response.status_code == 302
    assert theme_names(consultation) == ["Sécurité"]
    assert [action for action, _ in actions()] == ["theme.create", "theme.rename"]


def test_renaming_to_a_name_taken_shows_the_theme_page_again(client, login, consultation):
    theme = themes.create_theme(consultation, "Accès")
    themes.create_theme(consultation, "Données")
    login(role="moderator")

    response = client.post(f"/moderation/themes/{theme.id}/renommer", data={"name": "DONNÉES"})

    assert response.status_code == 422
    assert "Le thème « Données » existe déjà" in response.text
    assert theme_names(consultation) == ["Accès", "Données"]


def test_merging_a_theme_moves_its_contributions(client, login, chapter, consultation):
    old, new = (
        themes.create_theme(consultation, "Mobile"),
        themes.create_theme(consultation, "Apps"),
    )
    contribution = factories.make_contribution(chapter)
    themes.set_themes(contribution, [old])
    login(role="analyst")

    response = client.post(f"/moderation/themes/{old.id}/fusionner", data={"target": new.id})
    page = client.get(response.headers["Location"]).text

    assert response.status_code == 302
    assert [theme.name for theme in contribution.themes] == ["Apps"]
    assert "Le thème « Mobile » est fusionné dans « Apps » (1 contribution de plus" in page


def test_merging_into_a_theme_of_another_consultation_is_refused(
    client, login, consultation, make_consultation
):
    theme = themes.create_theme(consultation, "Mobile")
    foreign = themes.create_theme(make_consultation(), "Apps")
    login(role="moderator")

    response = client.post(f"/moderation/themes/{theme.id}/fusionner", data={"target": foreign.id})

    assert response.status_code == 422
    assert "Choisissez un autre thème de la liste." in response.text
    assert theme_names(consultation) == ["Mobile"]


def test_a_used_theme_is_not_deleted_and_an_unused_one_is(client, login, chapter, consultation):
    used, unused = (
        themes.create_theme(consultation, "Usage"),
        themes.create_theme(consultation, "Vide"),
    )
    themes.set_themes(factories.make_contribution(chapter), [used])
    login(role="moderator")

    refused = client.post(f"/moderation/themes/{used.id}/supprimer")
    deleted = client.post(f"/moderation/themes/{unused.id}/supprimer")

    assert refused.status_code == 409
    assert "fusionnez-le plutôt dans un autre thème" in refused.text
    assert deleted.status_code == 302
    assert theme_names(consultation) == ["Usage"]


def test_tagging_a_contribution_from_its_theme_page(client, login, chapter, consultation):
    kept, dropped, added = (themes.create_theme(consultation, name) for name in ("AA", "BB", "CC"))
    contribution = factories.make_contribution(chapter)
    themes.set_themes(contribution, [kept, dropped])
    login(role="analyst")
    url = f"/moderation/contributions/{contribution.id}/themes"

    form = client.get(url).text
    response = client.post(url, data={"themes": [kept.id, added.id]})

    assert f'value="{kept.id}" checked' in form
    assert f'value="{added.id}">' in form
    assert response.status_code == 302
    assert [theme.name for theme in contribution.themes] == ["AA", "CC"]
    assert [action for action, _ in actions()][-2:] == ["contribution.tag", "contribution.untag"]


def test_an_unknown_theme_is_refused_and_nothing_changes(client, login, chapter, consultation):
    theme = themes.create_theme(consultation, "AA")
    contribution = factories.make_contribution(chapter)
    login(role="moderator")

    response = client.post(
        f"/moderation/contributions/{contribution.id}/themes", data={"themes": [theme.id, 999999]}
    )

    assert response.status_code == 422
    assert "Choisissez parmi les thèmes proposés" in response.text
    assert contribution.themes == []


def test_the_staff_page_of_a_contribution_has_a_themes_panel(client, login, chapter, consultation):
    theme = themes.create_theme(consultation, "Parcours")
    contribution = factories.make_contribution(chapter)
    login(role="moderator")

    page = client.get(f"/moderation/contributions/{contribution.id}").text
    response = client.post(
        f"/moderation/contributions/{contribution.id}/themes",
        data={"themes": [theme.id], "retour": f"/moderation/contributions/{contribution.id}"},
    )

    assert '<h2 id="themes-titre">Thèmes</h2>' in page
    assert "Parcours" in page
    assert response.headers["Location"] == f"/moderation/contributions/{contribution.id}"
    assert [item.name for item in contribution.themes] == ["Parcours"]


def test_the_return_address_stays_in_the_back_office(client, login, chapter, consultation):
    contribution = factories.make_contribution(chapter)
    login(role="moderator")

    response = client.post(
        f"/moderation/contributions/{contribution.id}/themes",
        data={"retour": "//ailleurs.example/moderation/"},
    )

    assert response.headers["Location"] == f"/moderation/contributions/{contribution.id}/themes"


def test_tagging_several_contributions_at_once(client, login, chapter, consultation, make_chapter):
    theme = themes.create_theme(consultation, "Campagne")
    mine = [factories.make_contribution(chapter) for _ in range(3)]
    foreign = factories.make_contribution(make_chapter())
    login(role="analyst")

    response = client.post(
        "/moderation/themes/attribuer",
        data={
            "contribution": [item.id for item in (*mine, foreign)],
            "theme": theme.id,
            "retour": "/moderation/?statut=published",
        },
    )

    assert response.headers["Location"] == "/moderation/?statut=published"
    assert [[item.name for item in contribution.themes] for contribution in mine] == [
        ["Campagne"]
    ] * 3
    assert foreign.themes == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"theme": "1"}, "Choisissez au moins une contribution."),
        ({"contribution": ["1", "abc"], "theme": "1"}, "Choisissez au moins une contribution."),
        ({"contribution": ["1"], "theme": "999999"}, "Choisissez un thème de la liste."),
        ({"contribution": ["1"]}, "Choisissez un thème"),
    ],
)
def test_tagging_without_contributions_or_theme_is_refused(
    client, login, consultation, data, message
):
    theme = themes.create_theme(consultation, "Campagne")
    if data.get("theme") == "1":
        data = {**data, "theme": str(theme.id)}
    login(role="moderator")

    response = client.post("/moderation/themes/attribuer", data=data)

    assert response.status_code == 422
    assert message in response.text


def test_contributors_cannot_reach_the_themes(client, login, consultation):
    login(role="contributor")

    response = client.get(f"/moderation/themes?consultation={consultation.id}")

    assert response.status_code == 403
