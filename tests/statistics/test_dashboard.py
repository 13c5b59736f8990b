"""The analysts' dashboard: every state of the contributions, the staff figures, the filters."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.statistics.page_reading import key_figures, tables
from tests.statistics.page_scenario import SECRET_CHAPTER, build_scenario


@pytest.fixture
def scenario(database, clock):
    return build_scenario()


def dashboard_url(slug: str) -> str:
    return f"/analyse/{slug}"


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_analysts_and_admins_see_every_state_of_the_contributions(client, login, scenario, role):
    login(role=role)

    response = client.get(dashboard_url(scenario.slug))

    assert response.status_code == 200
    assert key_figures(response.text) == [
        "42 visiteurs uniques",
        "4 comptes créés dont 2 abonnés aux actualités",
        "5 contributeurs et contributrices",
        "9 contributions reçues 7 en ligne, 2 par courriel",
        "22,2 % ont reçu une réponse publiée 2 sur 9",
        "6 publiées",
        "1 en attente de modération",
        "1 refusées",
        "1 masquées",
        "1 groupes de contributions similaires",
    ]


def test_the_staff_tables_give_themes_sections_chapters_by_profile_and_mail(
    client, login, scenario
):
    login(role="analyst")

    found = tables(client.get(dashboard_url(scenario.slug)).text)

    assert found["Contributions par thème"][1:] == [
        ["Sécurité", "2", "100,0 %"],
        ["Éthique", "0", "0,0 %"],
        ["Total", "2", "100,0 %"],
    ]
    chapters = found["Contributions par chapitre"]
    assert chapters[1:4] == [
        ["1. Principes communs", "5", "1", "6"],
        ["2. Services socles", "2", "1", "3"],
        ["3. " + SECRET_CHAPTER, "0", "0", "0"],
    ]
    matrix = found["Contributions par chapitre et par profil"]
    assert matrix[0][0] == "Chapitre" and matrix[0][-1] == "Total"
    assert matrix[-1][-1] == "9"
    sections = found["Contributions par section"]
    assert sections[-1][:2] == ["Total", "9"]
    mail = {row[0]: row[1] for row in found["Bilan des courriels reçus"][1:]}
    assert mail["Courriels reçus"] == "2"
    assert mail["Contributions publiées issues des courriels"] == "2"


@pytest.mark.parametrize(
    ("query", "received"),
    [
        ({"canal": "email"}, "2 contributions reçues 0 en ligne, 2 par courriel"),
        ({"canal": "web"}, "7 contributions reçues 7 en ligne, 0 par courriel"),
        (
            {"du": "2026-02-23", "au": "2026-03-01"},
            "3 contributions reçues 2 en ligne, 1 par courriel",
        ),
        ({"du": "2026-03-02"}, "4 contributions reçues 3 en ligne, 1 par courriel"),
    ],
)
def test_the_channel_and_period_filters_cut_the_figures(client, login, scenario, query, received):
    login(role="analyst")

    response = client.get(dashboard_url(scenario.slug), query_string=query)

    assert received in key_figures(response.text)
    assert "Chiffres correspondant aux filtres choisis." in response.text
    assert "Effacer les filtres" in response.text


def test_chapter_batch_profile_and_theme_filters_cut_the_figures(client, login, scenario):
    login(role="analyst")
    one, two, _ = scenario.chapter_ids
    security, _ = scenario.theme_ids
    citizen = _profile_id("citoyen")

    def received(**query) -> str:
        figures = key_figures(client.get(dashboard_url(scenario.slug), query_string=query).text)
        return figures[3].split(" contributions")[0]

    assert received(chapitre=two) == "3"
    assert received(lot=scenario.batch_ids[0]) == "9"
    assert received(lot=scenario.batch_ids[1]) == "0"
    assert received(profil=citizen) == "4"
    assert received(theme=security) == "2"
    assert received(chapitre=one, canal="web") == "5"


def test_a_filter_the_form_does_not_offer_is_ignored_and_said_so(client, login, scenario):
    login(role="analyst")

    response = client.get(
        dashboard_url(scenario.slug),
        query_string={"chapitre": "999999", "du": "pas une date", "canal": "pigeon"},
    )

    assert response.status_code == 200
    assert "Certains filtres ont été ignorés" in response.text
    assert "Le filtre « Chapitre » demandé n’existe pas : ignoré." in response.text
    assert "Le filtre « Canal » demandé n’existe pas : ignoré." in response.text
    assert "n’est pas une date valide : ignorée." in response.text
    assert "9 contributions reçues 7 en ligne, 2 par courriel" in key_figures(response.text)


def test_a_period_ending_before_it_starts_is_ignored(client, login, scenario):
    login(role="analyst")

    response = client.get(
        dashboard_url(scenario.slug), query_string={"du": "2026-03-01", "au": "2026-02-01"}
    )

    assert "La période est ignorée : sa date de début suit sa date de fin." in response.text
    assert key_figures(response.text)[3].startswith("9 contributions reçues")


def test_the_filter_fields_have_labels_tied_to_them(client, login, scenario):
    login(role="analyst")

    html = client.get(dashboard_url(scenario.slug)).text

    for name in ("du", "au", "lot", "chapitre", "profil", "canal", "theme"):
        assert f'<label class="fr-label" for="{name}">' in html
        assert re.search(rf'<(input|select) [^>]*\bid="{name}" name="{name}"', html)


@pytest.mark.parametrize("role", ["contributor", "moderator"])
def test_contributors_and_moderators_are_refused(client, login, scenario, role):
    login(role=role)

    for url in ("/analyse/", dashboard_url(scenario.slug)):
        assert client.get(url).status_code == 403


def test_visitors_are_sent_to_the_login_page(client, scenario):
    for url in ("/analyse/", dashboard_url(scenario.slug)):
        response = client.get(url)

        assert response.status_code == 302
        assert response.headers["Location"].startswith("/connexion")


def test_the_index_lists_every_consultation_with_a_link_to_its_dashboard(
    client, login, scenario, make_consultation
):
    upcoming = make_consultation(title="Consultation à venir")
    login(role="analyst")

    html = client.get("/analyse/").text

    assert f'href="{dashboard_url(scenario.slug)}"' in html
    assert f'href="{dashboard_url(upcoming.slug)}"' in html
    assert "Consultation à venir" in html


def test_an_unknown_consultation_is_a_404(client, login):
    login(role="analyst")

    assert client.get(dashboard_url("inconnue")).status_code == 404


def test_the_exports_area_links_to_the_workbook_and_the_open_data(client, login, scenario):
    login(role="analyst")

    html = client.get(dashboard_url(scenario.slug)).text

    assert '<h2 id="exports">Exports</h2>' in html
    assert f'href="/analyse/{scenario.slug}/exports">Classeur de synthèse (Excel)' in html
    assert f'href="/consultations/{scenario.slug}/donnees-ouvertes"' in html


def _profile_id(code: str) -> int:
    return factories.profile(code).id
