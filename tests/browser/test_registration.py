"""Registering, confirming by the mailed link and resetting a password, in Chromium.

Mail really goes through `flask outbox send` to the test SMTP server; the links are read from the
received messages. axe-core checks every page of the journey.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consultation.extensions import db
from tests.accounts.mail import SITE, STRONG_PASSWORD
from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

EMAIL = "camille@exemple.fr"
NEW_PASSWORD = "une toute nouvelle phrase secrète"


def mailed_path(app, smtp_server, containing: str) -> str:
    """Send the outbox as cron would, then the path of the link received by EMAIL."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["outbox", "send"])
        db.session.remove()
    assert result.exit_code == 0, result.output
    link = smtp_server.link(smtp_server.last_to(EMAIL), containing)
    return link.removeprefix(SITE)


def fill_registration(page: Page) -> None:
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(STRONG_PASSWORD)
    page.locator("#password_confirmation").fill(STRONG_PASSWORD)
    page.locator("#display_name").fill("Camille Durand")
    page.locator("#profile").select_option("citoyen")
    for name in ("J’accepte la charte de modération", "J’ai pris connaissance de la notice"):
        tick(page, name)


def tick(page: Page, name: str) -> None:
    """DSFR draws the box on the label, as people see it; the click lands on its first line."""
    checkbox = page.get_by_role("checkbox", name=name)
    page.locator(f'label[for="{checkbox.get_attribute("id")}"]').click(position={"x": 4, "y": 8})
    expect(checkbox).to_be_checked()


def test_register_confirm_by_mail_then_reset_the_password(app, axe_page: Page, smtp_server):
    page = axe_page
    page.goto("/")
    page.get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Le formulaire contient")).to_be_visible()
    assert_no_axe_violations(page)

    fill_registration(page)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre messagerie")
    assert_no_axe_violations(page)

    page.goto(mailed_path(app, smtp_server, "/compte/confirmer/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer mon adresse électronique")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_text(f"Votre adresse électronique {EMAIL} est confirmée.")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto("/connexion")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
    assert_no_axe_violations(page)
    page.locator("#email").fill(EMAIL)
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(page.get_by_text("Si un compte existe pour l’adresse")).to_be_visible()

    page.goto(mailed_path(app, smtp_server, "/compte/reinitialiser/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir un nouveau mot de passe")
    assert_no_axe_violations(page)
    page.locator("#new_password").fill(NEW_PASSWORD)
    page.locator("#new_password_confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_text("Votre mot de passe est modifié")).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_a_used_confirmation_link_page_has_no_accessibility_violation(
    app, axe_page: Page, smtp_server
):
    page = axe_page
    page.goto("/compte/inscription")
    fill_registration(page)
    page.get_by_role("button", name="Créer mon compte").click()
    path = mailed_path(app, smtp_server, "/compte/confirmer/")
    page.goto(path)
    page.get_by_role("button", name="Confirmer mon adresse").click()

    page.goto(path)

    expect(page.get_by_role("heading", level=1)).to_have_text("Lien non valable")
    assert_no_axe_violations(page)
