"""Campaigns in Chromium: a moderator ticks contributions in the queue, answers them at once, and
the public reads the answer; the campaign and import pages have no accessibility violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.sign_in import sign_in

pytestmark = pytest.mark.browser

ANSWER = "La proposition est reprise dans la section sur l’identification."


def build_queue() -> dict[str, object]:
    chapter = factories.make_chapter()
    contributions = [
        factories.make_contribution(chapter, body=f"Avis numéro {number} sur l’identification.")
        for number in range(3)
    ]
    moderator = factories.make_user(role="moderator")
    return {
        "email": moderator.email,
        "references": [contribution.reference for contribution in contributions],
        "ids": [contribution.id for contribution in contributions],
    }


def tick(page: Page, role: str, name: str) -> None:
    """DSFR draws the box on the label, as people see it; the click lands on its first line."""
    box = page.get_by_role(role, name=name, exact=True)
    page.locator(f'label[for="{box.get_attribute("id")}"]').click(position={"x": 4, "y": 8})
    expect(box).to_be_checked()


def test_a_moderator_answers_selected_contributions_at_once(page: Page, seed):
    data = seed(build_queue)
    first, second, third = data["references"]
    sign_in(page, data["email"], then="/moderation/a-repondre")

    tick(page, "checkbox", f"Sélectionner la contribution {first}")
    tick(page, "checkbox", f"Sélectionner la contribution {third}")
    page.get_by_role("button", name="Répondre à la sélection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Répondre à plusieurs contributions")
    tick(page, "radio", "Prise en compte")
    page.get_by_label("Texte de la réponse").fill(ANSWER)
    tick(page, "checkbox", "1.1 Identification")
    page.get_by_role("button", name="Publier la réponse").click()

    expect(page.get_by_text("La réponse est publiée sur 2 contributions.")).to_be_visible()
    page.goto(f"/contributions/{first}")
    expect(page.get_by_text(ANSWER)).to_be_visible()
    expect(page.get_by_role("link", name="1.1 Identification")).to_be_visible()
    page.goto(f"/contributions/{second}")
    expect(page.get_by_text("Réponse officielle : pas encore publiée.")).to_be_visible()


def test_the_campaign_and_import_pages_have_no_accessibility_violation(axe_page: Page, seed):
    data = seed(build_queue)
    selection = "&".join(f"contribution={number}" for number in data["ids"])
    sign_in(axe_page, data["email"])

    for path in (f"/moderation/reponses/campagne?{selection}", "/moderation/reponses/import"):
        axe_page.goto(path)
        expect(axe_page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_axe_violations(axe_page)

    axe_page.goto(f"/moderation/reponses/campagne?{selection}")
    axe_page.get_by_role("button", name="Publier la réponse").click()
    expect(axe_page.get_by_text("Saisissez le texte de la réponse.").first).to_be_visible()
    assert_no_axe_violations(axe_page)

    axe_page.goto("/moderation/reponses/import")
    axe_page.get_by_role("button", name="Vérifier sans importer").click()
    expect(axe_page.get_by_text("Choisissez le classeur à importer.").first).to_be_visible()
    assert_no_axe_violations(axe_page)
