"""From a chapter to its differences: no axe-core violation, inline or side by side."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consultation.extensions import db
from consultation.publication.models import ChapterVersion
from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.reading_data import PUBLISHED_BODY

pytestmark = pytest.mark.browser

FINAL_BODY = (
    PUBLISHED_BODY.replace("canaux chiffrés et authentifiés", "canaux chiffrés, signés et tracés")
    .replace("## 1. Les référentiels communs", "## 1. Les référentiels partagés")
    .replace("### 1.1 Identité des usagers\n", "")
    .replace("L'identifiant national de santé rattache chaque donnée à la bonne personne.\n", "")
    + "\n## 3. Le calendrier\n\nLes services ouvrent en 2027.\n"
)


def build_chapter_with_final_version() -> str:
    chapter = factories.make_chapter(body=PUBLISHED_BODY, title="Socle et référentiels")
    chapter.versions.append(ChapterVersion(position=2, label="v1.0 finale", body=FINAL_BODY))
    db.session.flush()
    return f"/consultations/{chapter.consultation.slug}/chapitres/{chapter.number}"


def test_differences_pages_have_no_accessibility_violation(axe_page: Page, seed):
    chapter_path = seed(build_chapter_with_final_version)

    axe_page.goto(chapter_path)
    axe_page.get_by_role(
        "link", name="Voir les différences avec la version mise en concertation"
    ).click()

    expect(axe_page.get_by_role("heading", level=1)).to_contain_text("Différences du chapitre 1")
    expect(axe_page.get_by_text("1 section modifiée, 1 ajoutée, 1 supprimée")).to_be_visible()
    assert_no_axe_violations(axe_page)
    axe_page.get_by_role("link", name="Côte à côte").click()
    expect(axe_page.get_by_role("link", name="Côte à côte")).to_have_attribute(
        "aria-current", "page"
    )
    assert_no_axe_violations(axe_page)
