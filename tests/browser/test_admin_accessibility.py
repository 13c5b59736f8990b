"""axe-core finds no WCAG 2.1 A/AA violation in the back office, signed in as an admin."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.reading_data import build_reading
from tests.browser.sign_in import sign_in

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class BackOffice:
    admin_email: str
    consultation_id: int
    batch_id: int
    chapter_id: int


def build_back_office() -> BackOffice:
    build_reading()
    chapter = factories.Chapter.query.filter_by(title="Socle et référentiels").one()
    admin = factories.make_user(role="admin")
    return BackOffice(admin.email, chapter.consultation_id, chapter.batch_id, chapter.id)


#: Each back-office page: its path from the ids, and the heading proving it is the page meant.
ADMIN_PAGES = {
    "index": ("/admin/", "Administration des consultations"),
    "new consultation": ("/admin/consultations/nouvelle", "Créer une consultation"),
    "schedule": ("/admin/consultations/{consultation_id}", "Doctrine du numérique en santé"),
    "consultation form": ("/admin/consultations/{consultation_id}/modifier", "Modifier"),
    "new batch": ("/admin/consultations/{consultation_id}/lots/nouveau", "lot"),
    "batch form": ("/admin/lots/{batch_id}/modifier", "lot"),
    "new chapter": ("/admin/consultations/{consultation_id}/chapitres/nouveau", "chapitre"),
    "chapter form": ("/admin/chapitres/{chapter_id}/modifier", "chapitre"),
    "batch deletion": ("/admin/lots/{batch_id}/supprimer", "Supprimer"),
    "chapter versions": ("/admin/chapitres/{chapter_id}/versions", "Versions du chapitre"),
}


@pytest.mark.parametrize("kind", ADMIN_PAGES)
def test_admin_page_has_no_accessibility_violation(axe_page: Page, seed, kind: str):
    back_office = seed(build_back_office)
    path, proof = ADMIN_PAGES[kind]
    sign_in(axe_page, back_office.admin_email)

    axe_page.goto(path.format(**vars(back_office)))

    expect(axe_page.get_by_role("heading", level=1)).to_contain_text(proof, ignore_case=True)
    assert_no_axe_violations(axe_page)


def test_consultation_form_with_errors_has_no_accessibility_violation(axe_page: Page, seed):
    back_office = seed(build_back_office)
    sign_in(axe_page, back_office.admin_email)
    axe_page.goto("/admin/consultations/nouvelle")

    axe_page.locator("main form").get_by_role("button").last.click()

    expect(axe_page.get_by_role("alert")).to_contain_text("Le formulaire contient")
    assert_no_axe_violations(axe_page)
