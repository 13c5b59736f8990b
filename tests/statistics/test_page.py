"""The public statistics page: the figures of the synthesis report, published data only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.statistics.page_reading import key_figures, tables
from tests.statistics.page_scenario import SECRET_CHAPTER, THEMES, build_scenario


@pytest.fixture
def scenario(database, clock):
    return build_scenario()


def page_url(slug: str) -> str:
    return f"/consultations/{slug}/statistiques"


def test_the_key_figures_count_published_contributions_and_answers(client, scenario):
    response = client.get(page_url(scenario.slug))

    assert response.status_code == 200
    assert key_figures(response.text) == [
        "42 visiteurs uniques",
        "4 comptes créés dont 2 abonnés aux actualités",
        "5 contributeurs et contributrices",
        "6 contributions publiées 4 en ligne, 2 par courriel",
        "33,3 % ont reçu une réponse publiée 2 sur 6",
    ]


def test_accounts_are_split_by_profile_with_their_share(client, scenario):
    rows = tables(client.get(page_url(scenario.slug)).text)["Comptes créés par profil"]

    assert rows[0] == ["Profil", "Comptes", "Part"]
    assert rows[1:] == [
        ["Professionnel de santé", "0", "0,0 %"],
        ["Établissement de santé ou médico-social", "1", "25,0 %"],
        ["Industriel, éditeur de logiciels ou acteur privé (dont start-up)", "1", "25,0 %"],
        ["Institution publique (ARS, GRADeS, assurance maladie…)", "0", "0,0 %"],
        ["Représentant ou association de patients et d’usagers", "0", "0,0 %"],
        ["Citoyen ou citoyenne", "2", "50,0 %"],
        ["Autre", "0", "0,0 %"],
        ["Total", "4", "100,0 %"],
    ]


def test_contributions_are_split_by_chapter_and_channel(client, scenario):
    rows = tables(client.get(page_url(scenario.slug)).text)["Contributions par chapitre"]

    assert rows == [
        ["Chapitre", "En ligne", "Par courriel", "Total"],
        ["1. Principes communs", "3", "1", "4"],
        ["2. Services socles", "1", "1", "2"],
        ["Total", "4", "2", "6"],
    ]


def test_online_and_email_weeks_and_dispositions_have_their_tables(client, scenario):
    found = tables(client.get(page_url(scenario.slug)).text)

    assert found["Contributions en ligne et par courriel"][1:] == [
        ["En ligne", "4", "66,7 %"],
        ["Par courriel", "2", "33,3 %"],
        ["Total", "6", "100,0 %"],
    ]
    assert found["Contributions par semaine"][1:] == [
        ["Semaine du 09/02/2026", "1", "0", "1"],
        ["Semaine du 16/02/2026", "1", "0", "1"],
        ["Semaine du 23/02/2026", "2", "1", "3"],
        ["Semaine du 02/03/2026", "0", "1", "1"],
        ["Total", "4", "2", "6"],
    ]
    dispositions = {row[0]: row[1] for row in found["Suites données aux contributions"][1:]}
    assert dispositions["Prise en compte"] == dispositions["Hors périmètre"] == "1"
    assert dispositions["Sans réponse"] == "4"


def test_contributions_by_profile_of_their_author(client, scenario):
    rows = tables(client.get(page_url(scenario.slug)).text)["Contributions par profil"]

    counted = [row for row in rows[1:] if row[-1] != "0"]
    assert counted == [
        ["Établissement de santé ou médico-social", "1", "0", "1"],
        ["Industriel, éditeur de logiciels ou acteur privé (dont start-up)", "1", "0", "1"],
        ["Représentant ou association de patients et d’usagers", "0", "2", "2"],
        ["Citoyen ou citoyenne", "2", "0", "2"],
        ["Total", "4", "2", "6"],
    ]


def test_every_chart_is_an_image_named_by_its_title_and_followed_by_its_table(client, scenario):
    html = client.get(page_url(scenario.slug)).text

    for chart_id in ("comptes", "chapitres", "profils", "canaux", "semaines", "suites"):
        assert f'role="img" aria-labelledby="{chart_id}-titre {chart_id}-desc"' in html
    assert html.count("<details") == 6


def test_nothing_unpublished_shows_on_the_public_page(client, scenario):
    html = client.get(page_url(scenario.slug)).text

    for private in (SECRET_CHAPTER, *THEMES, "en attente de modération", "refusées", "masquées"):
        assert private not in html
    assert "Bilan des courriels" not in html


def test_a_consultation_with_nothing_published_yet_has_no_statistics_page(
    client, make_consultation, make_batch
):
    consultation = make_consultation(opens_in=timedelta(days=3))
    make_batch(consultation, publish_in=timedelta(days=3))

    assert client.get(page_url(consultation.slug)).status_code == 404
    assert client.get(page_url("inconnue")).status_code == 404


def test_the_consultation_page_links_to_its_statistics(client, scenario):
    html = client.get(f"/consultations/{scenario.slug}").text

    assert f'href="{page_url(scenario.slug)}"' in html


def test_labels_typed_by_admins_are_escaped(client, make_chapter, make_contribution):
    chapter = make_chapter(title='<script>alert("x")</script>')
    make_contribution(chapter)

    html = client.get(page_url(chapter.consultation.slug)).text

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
