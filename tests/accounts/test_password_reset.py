"""Resetting a forgotten password: the same answer for every address, a one-hour single-use link."""

from __future__ import annotations

from tests.accounts.mail import STRONG_PASSWORD, deliver, link_in_mail
from tests.factories import PASSWORD

FORGOT = "/compte/mot-de-passe-oublie"
NEW_PASSWORD = "une toute nouvelle phrase secrète"


def reset_link(client, cli, smtp_server, email: str) -> str:
    client.post(FORGOT, data={"email": email})
    return link_in_mail(cli, smtp_server, email, "/compte/reinitialiser/")


def new_password_form(password: str = NEW_PASSWORD, confirmation: str | None = None) -> dict:
    return {"new_password": password, "new_password_confirmation": confirmation or password}


def signs_in(app, email: str, password: str) -> bool:
    other_browser = app.test_client()
    response = other_browser.post("/connexion", data={"email": email, "password": password})
    return response.status_code == 302


def test_a_known_and_an_unknown_address_get_the_same_answer_but_only_one_gets_mail(
    client, cli, make_user, smtp_server
):
    make_user(email="connue@exemple.fr")

    known = client.post(FORGOT, data={"email": "connue@exemple.fr"}, follow_redirects=True)
    unknown = client.post(FORGOT, data={"email": "inconnue@exemple.fr"}, follow_redirects=True)
    output = deliver(cli)

    assert known.text.replace("connue@", "X@") == unknown.text.replace("inconnue@", "X@")
    assert "Si un compte existe pour l’adresse" in unknown.text
    assert "1 courriel(s) envoyé(s)" in output
    assert [message["To"] for message in smtp_server.messages] == ["connue@exemple.fr"]
    assert smtp_server.messages[0]["Subject"] == "Choisissez un nouveau mot de passe"


def test_the_reset_form_sets_the_password_confirms_the_address_and_signs_in(
    app, client, cli, make_user, smtp_server
):
    user = make_user(email="oubli@exemple.fr", email_confirmed_at=None)
    link = reset_link(client, cli, smtp_server, "oubli@exemple.fr")

    form = client.get(link)
    response = client.post(link, data=new_password_form(), follow_redirects=True)

    assert "Choisir un nouveau mot de passe" in form.text
    assert "Votre mot de passe est modifié" in response.text
    assert "Se déconnecter" in response.text
    assert user.is_confirmed
    assert signs_in(app, "oubli@exemple.fr", NEW_PASSWORD)
    assert not signs_in(app, "oubli@exemple.fr", PASSWORD)


def test_a_reset_link_works_once(client, cli, make_user, smtp_server):
    make_user(email="oubli@exemple.fr")
    link = reset_link(client, cli, smtp_server, "oubli@exemple.fr")
    client.post(link, data=new_password_form())
    client.post("/deconnexion")

    response = client.post(link, data=new_password_form(STRONG_PASSWORD))

    assert response.status_code == 410
    assert "Ce lien a déjà été utilisé." in response.text
    assert 'action="/compte/mot-de-passe-oublie"' in response.text


def test_a_reset_link_expires_after_one_hour(client, cli, make_user, smtp_server, clock):
    make_user(email="oubli@exemple.fr")
    link = reset_link(client, cli, smtp_server, "oubli@exemple.fr")
    clock.advance(hours=1, seconds=1)

    shown = client.get(link)
    sent = client.post(link, data=new_password_form())

    assert shown.status_code == sent.status_code == 410
    assert (
        "Ce lien a expiré : pour des raisons de sécurité, il n’est valable que pendant une heure."
        in sent.text
    )


def test_a_weak_or_mismatched_new_password_is_refused_and_the_link_still_works(
    client, cli, make_user, smtp_server
):
    make_user(email="oubli@exemple.fr")
    link = reset_link(client, cli, smtp_server, "oubli@exemple.fr")

    weak = client.post(link, data=new_password_form("azertyuiop123"))
    mismatched = client.post(link, data=new_password_form(NEW_PASSWORD, NEW_PASSWORD + "!"))
    accepted = client.post(link, data=new_password_form())

    assert weak.status_code == mismatched.status_code == 422
    assert "trop courant" in weak.text
    assert 'aria-describedby="new_password-messages"' in weak.text
    assert "ne sont pas identiques" in mismatched.text
    assert accepted.status_code == 302


def test_a_disabled_account_gets_no_reset_mail(client, cli, make_user, smtp_server):
    make_user(email="fermee@exemple.fr", is_enabled=False)

    response = client.post(FORGOT, data={"email": "fermee@exemple.fr"})

    assert response.status_code == 302
    assert "0 courriel(s) envoyé(s)" in deliver(cli)
    assert smtp_server.messages == []


def test_an_invalid_address_is_refused_on_its_field(client):
    response = client.post(FORGOT, data={"email": "pas-une-adresse"})

    assert response.status_code == 422
    assert 'aria-describedby="email-messages"' in response.text
