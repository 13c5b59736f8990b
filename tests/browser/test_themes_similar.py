"""The themes pages and the page of a group of similar contributions pass axe-core, and work."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consultation.contributions import similarity, themes
from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.sign_in import sign_in
from tests.contributions.test_similarity import text

pytestmark = pytest.mark.browser


def build_group() -> dict[str, object]:
    chapter = factories.make_chapter()
    letter = [factories.make_contribution(chapter, body=text(50)) for _ in range(3)]
    factories.make_contribution(chapter, body=text(51))
    list(similarity.group_new())
    theme = themes.create_theme(chapter.consultation, "Courrier type")
    themes.create_theme(chapter.consultation, "Identité numérique")
    moderator = factories.make_user(role="moderator")
    return {
        "email": moderator.email,
        "consultation": chapter.consultation_id,
        "theme": theme.id,
        "group": letter[0].id,
        "member": letter[1].id,
        "references": [member.reference for member in letter],
    }


def test_theme_and_group_pages_have_no_accessibility_violation(axe_page: Page, seed):
    data = seed(build_group)
    sign_in(axe_page, data["email"])

    for path in (
        f"/moderation/themes?consultation={data['consultation']}",
        "/moderation/themes",
        f"/moderation/themes/{data['theme']}",
        f"/moderation/contributions/{data['member']}/themes",
        f"/moderation/contributions/{data['member']}",
        f"/moderation/similaires/{data['group']}",
    ):
        axe_page.goto(path)
        expect(axe_page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_axe_violations(axe_page)

    axe_page.goto(f"/moderation/themes?consultation={data['consultation']}")
    axe_page.get_by_role("button", name="Créer le thème").click()
    expect(axe_page.get_by_text("Saisissez le nom du thème.").first).to_be_visible()
    assert_no_axe_violations(axe_page)


def test_a_moderator_tags_a_whole_group_then_takes_one_member_out(page: Page, seed):
    data = seed(build_group)
    sign_in(page, data["email"], then=f"/moderation/similaires/{data['group']}")
    expect(page.get_by_role("heading", name="Groupe de 3 contributions similaires")).to_be_visible()

    page.get_by_label("Thème à attribuer").select_option(label="Courrier type")
    page.get_by_role("button", name="Attribuer le thème aux 3 contributions").click()
    expect(page.get_by_text("Thème « Courrier type » attribué à 3 contributions")).to_be_visible()

    first, second, _ = data["references"]
    page.get_by_role("button", name=f"Retirer du groupe la contribution {second}").click()
    expect(page.get_by_text(f"La contribution {second} est retirée du groupe")).to_be_visible()
    expect(page.get_by_role("heading", name="Groupe de 2 contributions similaires")).to_be_visible()

    page.goto(f"/moderation/themes?consultation={data['consultation']}")
    expect(page.get_by_role("row", name="Courrier type 3")).to_be_visible()
    assert first in page.goto(f"/moderation/similaires/{data['group']}").text()
