"""Signing in through the login form, as a person does, for every browser test."""

from __future__ import annotations

from urllib.parse import quote

from playwright.sync_api import Page, expect

from tests import factories


def sign_in(page: Page, email: str, then: str = "", password: str = factories.PASSWORD) -> None:
    """Send the login form and wait until signed in; `then` is the page to land on afterwards.

    Staff built by tests.factories give the code of their app too (see staff_totp_secret).
    """
    page.goto(f"/connexion?next={quote(then)}" if then else "/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    signed_in = page.get_by_role("button", name="Se déconnecter")
    code = page.get_by_label("Code à 6 chiffres")
    expect(signed_in.or_(code)).to_be_visible()
    if code.is_visible():
        code.fill(factories.totp_code(email))
        page.get_by_role("button", name="Valider le code").click()
    expect(signed_in).to_be_visible()
