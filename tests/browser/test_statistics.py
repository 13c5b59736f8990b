"""The statistics page and the analysts' dashboard pass axe-core, data tables opened or not."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.sign_in import sign_in
from tests.statistics.page_scenario import build_scenario

pytestmark = pytest.mark.browser


def build() -> dict[str, str]:
    scenario = build_scenario()
    return {"slug": scenario.slug, "analyst": factories.make_user(role="analyst").email}


def open_every_table(page: Page) -> None:
    summaries = page.locator("details > summary")
    for index in range(summaries.count()):
        summaries.nth(index).click()
    expect(page.locator("details[open]")).to_have_count(summaries.count())


def test_the_public_statistics_page_has_no_accessibility_violation(axe_page: Page, seed):
    data = seed(build)

    axe_page.goto(f"/consultations/{data['slug']}/statistiques")

    expect(axe_page.get_by_role("heading", name="Chiffres clés")).to_be_visible()
    expect(axe_page.get_by_role("img", name="Contributions par chapitre")).to_be_visible()
    assert_no_axe_violations(axe_page)
    open_every_table(axe_page)
    expect(axe_page.get_by_role("table", name="Contributions par chapitre")).to_be_visible()
    assert_no_axe_violations(axe_page)


def test_the_dashboard_has_no_accessibility_violation(axe_page: Page, seed):
    data = seed(build)
    sign_in(axe_page, data["analyst"])

    axe_page.goto("/analyse/")
    expect(axe_page.get_by_role("heading", name="Analyse des consultations")).to_be_visible()
    assert_no_axe_violations(axe_page)

    axe_page.get_by_role("link", name="Doctrine du numérique en santé").click()
    expect(axe_page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    assert_no_axe_violations(axe_page)

    axe_page.get_by_label("Canal").select_option(label="Reçue par courriel")
    axe_page.get_by_label("Déposées à partir du").fill("2026-02-01")
    axe_page.get_by_role("button", name="Filtrer").click()
    expect(axe_page.get_by_text("Chiffres correspondant aux filtres choisis.")).to_be_visible()
    expect(axe_page.get_by_text("2 contributions reçues")).to_be_visible()
    open_every_table(axe_page)
    assert_no_axe_violations(axe_page)


def test_a_filter_that_is_ignored_is_told_accessibly(axe_page: Page, seed):
    data = seed(build)
    sign_in(axe_page, data["analyst"], then=f"/analyse/{data['slug']}?chapitre=99999")

    expect(axe_page.get_by_role("alert")).to_contain_text("Certains filtres ont été ignorés")
    assert_no_axe_violations(axe_page)
