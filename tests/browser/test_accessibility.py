"""axe-core finds no WCAG 2.1 A/AA violation on any kind of page a visitor can reach."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.reading_data import Reading, build_reading

pytestmark = pytest.mark.browser

#: Each kind of public page: how to reach it, and a text proving it is the page meant.
PUBLIC_PAGES: dict[str, tuple[Callable[[Reading], str], str]] = {
    "home": (lambda _: "/", "Consultations ouvertes"),
    "consultation": (lambda r: r.consultation_path, "Calendrier de publication"),
    "chapter": (lambda r: r.chapter_path, "Autres chapitres publiés"),
    "search with results": (lambda _: "/recherche?q=référentiels", "1 chapitre trouvé"),
    "sitemap": (lambda _: "/plan-du-site", "Plan du site"),
    "login": (lambda _: "/connexion", "Se connecter"),
    "legal notice": (lambda _: "/mentions-legales", "Mentions légales"),
    "accessibility statement": (lambda _: "/accessibilite", "Déclaration d’accessibilité"),
    "personal data": (lambda _: "/donnees-personnelles", "Données personnelles"),
    "moderation charter": (lambda _: "/charte-de-moderation", "Charte de modération"),
    "not found": (lambda _: "/cette-page-n-existe-pas", "Page non trouvée"),
}


@pytest.mark.parametrize("kind", PUBLIC_PAGES)
def test_public_page_has_no_accessibility_violation(axe_page: Page, seed, kind: str):
    reading = seed(build_reading)
    path, proof = PUBLIC_PAGES[kind]

    axe_page.goto(path(reading))

    expect(axe_page.get_by_role("heading", name=proof).first).to_be_visible()
    assert_no_axe_violations(axe_page)
