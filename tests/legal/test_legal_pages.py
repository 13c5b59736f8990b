"""The legal pages answer, carry their title, and are reachable from the footer of every page."""

from __future__ import annotations

import pytest

PAGES = {
    "/accessibilite": "Déclaration d’accessibilité",
    "/mentions-legales": "Mentions légales",
    "/donnees-personnelles": "Données personnelles",
    "/charte-de-moderation": "Charte de modération",
}


@pytest.mark.parametrize(("url", "title"), PAGES.items())
def test_each_legal_page_answers_with_its_title(client, url, title):
    response = client.get(url)

    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.text
    assert f"<title>{title} — Concertation" in response.text
    assert 'aria-current="page">' + title in response.text


@pytest.mark.parametrize("url", PAGES)
def test_each_legal_page_is_linked_from_the_footer_of_the_home_page(client, url):
    home = client.get("/").text

    footer = home[home.index("<footer") :]

    assert f'href="{url}"' in footer


def test_the_accessibility_statement_says_non_compliant_and_how_to_seek_redress(client):
    page = client.get("/accessibilite").text

    assert "<strong>non conforme</strong>" in page
    assert "RGAA</abbr>), version 4.1" in page
    assert "Défenseur des droits" in page
    assert "Libre réponse 71120" in page


def test_the_personal_data_page_gives_the_legal_basis_and_the_right_to_hide_ones_name(client):
    page = client.get("/donnees-personnelles").text

    assert "article 6, paragraphe 1, point e" in page
    assert "Vous opposer à l’affichage de votre nom" in page
    assert "aucun cookie tiers" in page
    assert "CNIL" in page


def test_the_moderation_charter_promises_a_public_answer_to_every_contribution(client):
    page = client.get("/charte-de-moderation").text

    assert "Modération a priori" in page
    assert "Modération a posteriori" in page
    assert "Une réponse publique à chaque contribution" in page
