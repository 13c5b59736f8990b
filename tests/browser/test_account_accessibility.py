"""axe-core finds no WCAG 2.1 A/AA violation on "my account" pages and the profiles back office."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from consultation.contributions.models import Status
from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.sign_in import sign_in

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Accounts:
    contributor_email: str
    admin_email: str
    profile_id: int


def build_accounts() -> Accounts:
    contributor = factories.make_user(email_confirmed_at=None, display_name="Camille Martin")
    chapter = factories.make_chapter()
    factories.make_contribution(chapter, author=contributor)
    factories.make_contribution(
        chapter,
        author=contributor,
        status=Status.REJECTED,
        status_reason="Hors sujet.",
        section_anchor="1-principes",
        section_title="1. Principes",
    )
    admin = factories.make_user(role="admin")
    return Accounts(contributor.email, admin.email, factories.profile("industriel").id)


#: Each page: its path, and the heading proving it is the page meant.
ACCOUNT_PAGES = {
    "my contributions": ("/compte/", "Mes contributions"),
    "profile": ("/compte/profil", "Profil et consentements"),
    "email": ("/compte/adresse", "Adresse électronique"),
    "password": ("/compte/mot-de-passe", "Mot de passe"),
    "data": ("/compte/donnees", "Mes données"),
    "deletion": ("/compte/supprimer", "Supprimer mon compte"),
}
PROFILE_PAGES = {
    "profiles": ("/admin/profils", "Profils des participants"),
    "new profile": ("/admin/profils/nouveau", "Créer un profil"),
    "profile form": ("/admin/profils/{profile_id}/modifier", "Modifier le profil"),
    "profile deletion": ("/admin/profils/{profile_id}/supprimer", "Supprimer le profil"),
}


@pytest.mark.parametrize("kind", ACCOUNT_PAGES)
def test_account_page_has_no_accessibility_violation(axe_page: Page, seed, kind: str):
    accounts = seed(build_accounts)
    path, heading = ACCOUNT_PAGES[kind]
    sign_in(axe_page, accounts.contributor_email)

    axe_page.goto(path)

    expect(axe_page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_no_axe_violations(axe_page)


def test_password_form_with_errors_has_no_accessibility_violation(axe_page: Page, seed):
    accounts = seed(build_accounts)
    sign_in(axe_page, accounts.contributor_email)
    axe_page.goto("/compte/mot-de-passe")

    axe_page.get_by_role("button", name="Changer le mot de passe").click()

    expect(axe_page.get_by_role("alert")).to_contain_text("Le formulaire contient")
    assert_no_axe_violations(axe_page)


@pytest.mark.parametrize("kind", PROFILE_PAGES)
def test_profiles_page_has_no_accessibility_violation(axe_page: Page, seed, kind: str):
    accounts = seed(build_accounts)
    path, heading = PROFILE_PAGES[kind]
    sign_in(axe_page, accounts.admin_email)

    axe_page.goto(path.format(profile_id=accounts.profile_id))

    expect(axe_page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_no_axe_violations(axe_page)
