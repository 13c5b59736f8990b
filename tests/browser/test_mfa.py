"""The second factor in a browser: enrolment under the site's CSP, and axe-core on its pages."""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
import pytest
from playwright.sync_api import Page, expect

from consultation.core.clock import now
from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.sign_in import sign_in

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Staff:
    newcomer_email: str
    moderator_email: str
    admin_email: str
    moderator_id: int


def build_staff() -> Staff:
    newcomer = factories.make_user(role="analyst", totp_secret=None, totp_confirmed_at=None)
    moderator = factories.make_user(role="moderator")
    admin = factories.make_user(role="admin")
    return Staff(newcomer.email, moderator.email, admin.email, moderator.id)


def enter_password(page: Page, email: str, then: str = "") -> None:
    page.goto(f"/connexion?next={then}" if then else "/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_newcomer_enrols_under_the_sites_csp_and_keeps_the_recovery_codes(page: Page, seed):
    staff = seed(build_staff)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    enter_password(page, staff.newcomer_email, then="/compte/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Sécuriser votre compte")
    expect(page.get_by_role("img", name="Code QR à scanner")).to_be_visible()
    key = page.locator("#cle-totp").inner_text().replace(" ", "")
    page.get_by_label("Code à 6 chiffres").fill(pyotp.TOTP(key).at(now()))
    page.get_by_role("button", name="Enregistrer l’application").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre application est enregistrée")
    expect(page.locator("ol code")).to_have_count(10)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger les codes").click()
    assert download.value.suggested_filename.startswith("codes-de-secours-concertation-")
    page.get_by_role("link", name="J’ai mis mes codes en lieu sûr, continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes contributions")
    assert not [error for error in errors if "Content Security Policy" in error]


def test_enrolment_pages_have_no_accessibility_violation(axe_page: Page, seed):
    staff = seed(build_staff)
    enter_password(axe_page, staff.newcomer_email)
    expect(axe_page.get_by_role("heading", level=1)).to_have_text("Sécuriser votre compte")
    assert_no_axe_violations(axe_page)

    axe_page.get_by_label("Code à 6 chiffres").fill("12")
    axe_page.get_by_role("button", name="Enregistrer l’application").click()
    expect(axe_page.get_by_role("alert")).to_contain_text("Le formulaire contient")
    assert_no_axe_violations(axe_page)

    key = axe_page.locator("#cle-totp").inner_text().replace(" ", "")
    axe_page.get_by_label("Code à 6 chiffres").fill(pyotp.TOTP(key).at(now()))
    axe_page.get_by_role("button", name="Enregistrer l’application").click()
    expect(axe_page.get_by_role("heading", level=1)).to_have_text(
        "Votre application est enregistrée"
    )
    assert_no_axe_violations(axe_page)


def test_verification_pages_have_no_accessibility_violation(axe_page: Page, seed):
    staff = seed(build_staff)
    enter_password(axe_page, staff.moderator_email)
    expect(axe_page.get_by_role("heading", level=1)).to_have_text("Confirmer la connexion")
    assert_no_axe_violations(axe_page)

    axe_page.get_by_label("Code à 6 chiffres").fill("000000")
    axe_page.get_by_role("button", name="Valider le code").click()
    expect(axe_page.get_by_text("Ce code n’est pas le bon.").first).to_be_visible()
    assert_no_axe_violations(axe_page)

    axe_page.get_by_role("link", name="Se connecter avec un code de secours").click()
    expect(axe_page.get_by_role("heading", level=1)).to_have_text(
        "Se connecter avec un code de secours"
    )
    assert_no_axe_violations(axe_page)


@pytest.mark.parametrize(
    ("who", "path", "heading"),
    [
        ("moderator", "/compte/securite", "Second facteur"),
        ("moderator", "/compte/securite/nouvelle-application", "Changer d’application"),
        ("admin", "/admin/second-facteur", "Second facteur des comptes de l’équipe"),
        (
            "admin",
            "/admin/utilisateurs/{moderator_id}/second-facteur/reinitialiser",
            "Réinitialiser",
        ),
    ],
)
def test_second_factor_management_pages_have_no_accessibility_violation(
    axe_page: Page, seed, who: str, path: str, heading: str
):
    staff = seed(build_staff)
    sign_in(axe_page, staff.moderator_email if who == "moderator" else staff.admin_email)

    axe_page.goto(path.format(moderator_id=staff.moderator_id))

    expect(axe_page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_no_axe_violations(axe_page)
