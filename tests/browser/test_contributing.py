"""A confirmed contributor writes on a section in Chromium and finds it under that section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from consultation.contributions.models import Status
from consultation.publication.models import ModerationMode
from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.sign_in import sign_in

pytestmark = pytest.mark.browser

TEXT = "Les référentiels socles devraient publier leurs calendriers de version à l’avance."


@dataclass(frozen=True)
class Contributing:
    email: str
    chapter_path: str
    section_title: str
    section_anchor: str
    contribution_reference: str


def build_contributing() -> Contributing:
    consultation = factories.make_consultation(
        slug="doctrine-navigateur",
        moderation_mode=ModerationMode.A_POSTERIORI,
        closes_in=timedelta(days=30),
    )
    chapter = factories.make_chapter(batch=factories.make_batch(consultation))
    user = factories.make_user(organisation="Fédération hospitalière", show_name=True)
    earlier = factories.make_contribution(
        chapter, body="Un premier avis sur l’ensemble du chapitre, déjà publié."
    )
    factories.make_contribution(chapter, status=Status.PENDING)
    return Contributing(
        email=user.email,
        chapter_path=f"/consultations/{consultation.slug}/chapitres/{chapter.number}",
        section_title="1.1 Identification",
        section_anchor="1-1",
        contribution_reference=earlier.reference,
    )


def test_a_contributor_writes_on_a_section_and_sees_it_there(page: Page, seed):
    data = seed(build_contributing)
    sign_in(page, data.email, data.chapter_path)

    page.get_by_role("link", name=f"Contribuer sur cette section « {data.section_title} »").click()
    expect(page.get_by_label("Partie du chapitre concernée")).to_have_value(data.section_anchor)
    page.get_by_label("Votre contribution").fill(TEXT)
    page.get_by_role("button", name="Envoyer ma contribution").click()

    expect(page.get_by_text("est publiée ; un accusé de réception")).to_be_visible()
    under_section = page.locator(f"#contributions-{data.section_anchor}")
    expect(under_section.get_by_text(TEXT)).to_be_visible()
    expect(under_section.get_by_text("1 contribution sur cette section")).to_be_visible()


def test_the_contribution_form_has_no_accessibility_violation_even_with_errors(
    axe_page: Page, seed
):
    data = seed(build_contributing)
    sign_in(axe_page, data.email, data.chapter_path + "/contribuer")
    expect(axe_page.get_by_role("heading", level=1)).to_contain_text("Contribuer")
    assert_no_axe_violations(axe_page)

    axe_page.get_by_label("Votre contribution").fill("Trop bref")
    axe_page.get_by_role("button", name="Envoyer ma contribution").click()

    expect(axe_page.get_by_role("alert").first).to_contain_text("au moins 10 caractères")
    assert_no_axe_violations(axe_page)


@pytest.mark.parametrize("kind", ["list", "contribution", "chapter with contributions"])
def test_contribution_pages_have_no_accessibility_violation(axe_page: Page, seed, kind: str):
    data = seed(build_contributing)
    path = {
        "list": data.chapter_path + "/contributions",
        "contribution": f"/contributions/{data.contribution_reference}",
        "chapter with contributions": data.chapter_path,
    }[kind]

    axe_page.goto(path)

    expect(axe_page.get_by_text("Un premier avis sur l’ensemble du chapitre").first).to_be_visible()
    assert_no_axe_violations(axe_page)
