"""A password reset or change ends every other session of the person, remembered ones included."""

from __future__ import annotations

from tests.accounts.mail import link_in_mail
from tests.factories import PASSWORD

NEW_PASSWORD = "une toute nouvelle phrase secrète"


def is_signed_in(browser) -> bool:
    return "Se déconnecter" in browser.get("/").text


def signed_in_browser(app, email: str, remember: bool = False):
    browser = app.test_client()
    data = {"email": email, "password": PASSWORD, "remember": "y" if remember else ""}
    assert browser.post("/connexion", data=data).status_code == 302
    return browser


def test_a_password_reset_ends_the_sessions_opened_elsewhere(
    app, client, cli, make_user, smtp_server
):
    make_user(email="claire@exemple.fr")
    laptop = signed_in_browser(app, "claire@exemple.fr")
    client.post("/compte/mot-de-passe-oublie", data={"email": "claire@exemple.fr"})
    link = link_in_mail(cli, smtp_server, "claire@exemple.fr", "/compte/reinitialiser/")

    client.post(
        link, data={"new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD}
    )

    assert is_signed_in(client)
    assert not is_signed_in(laptop)


def test_a_remembered_session_ends_too(app, client, cli, make_user, smtp_server):
    make_user(email="claire@exemple.fr")
    phone = signed_in_browser(app, "claire@exemple.fr", remember=True)
    phone.delete_cookie("session", domain="concertation.test")
    assert is_signed_in(phone)  # back in through the remember-me cookie alone
    client.post("/compte/mot-de-passe-oublie", data={"email": "claire@exemple.fr"})
    link = link_in_mail(cli, smtp_server, "claire@exemple.fr", "/compte/reinitialiser/")

    client.post(
        link, data={"new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD}
    )
    phone.delete_cookie("session", domain="concertation.test")

    assert not is_signed_in(phone)


def test_a_password_change_keeps_this_session_and_ends_the_others(app, make_user):
    make_user(email="claire@exemple.fr")
    laptop = signed_in_browser(app, "claire@exemple.fr")
    desktop = signed_in_browser(app, "claire@exemple.fr")

    response = desktop.post(
        "/compte/mot-de-passe",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert is_signed_in(desktop)
    assert not is_signed_in(laptop)


def test_a_wrong_current_password_changes_nothing(app, make_user):
    make_user(email="claire@exemple.fr")
    laptop = signed_in_browser(app, "claire@exemple.fr")
    desktop = signed_in_browser(app, "claire@exemple.fr")

    response = desktop.post(
        "/compte/mot-de-passe",
        data={
            "current_password": "pas le bon mot de passe",
            "new_password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD,
        },
    )

    assert response.status_code == 422
    assert "Le mot de passe actuel est incorrect." in response.text
    assert is_signed_in(laptop)
