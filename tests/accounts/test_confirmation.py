"""Confirming an address by the mailed link: GET changes nothing, POST uses the link once."""

from __future__ import annotations

from sqlalchemy import select

from consultation.accounts.models import User
from consultation.extensions import db
from tests.accounts.mail import deliver, link_in_mail, registration_form


def registered_link(client, cli, smtp_server, email: str = "nouvelle@exemple.fr") -> str:
    client.post("/compte/inscription", data=registration_form(email=email))
    return link_in_mail(cli, smtp_server, email, "/compte/confirmer/")


def new_user() -> User:
    return db.session.scalar(select(User).where(User.email == "nouvelle@exemple.fr"))


def test_opening_the_link_shows_a_button_and_changes_nothing(client, cli, smtp_server):
    link = registered_link(client, cli, smtp_server)

    first = client.get(link)
    second = client.get(link)

    assert first.status_code == second.status_code == 200
    assert "Confirmer mon adresse" in second.text
    assert new_user().is_confirmed is False


def test_the_button_confirms_the_address_and_signs_the_person_in(client, cli, smtp_server, clock):
    link = registered_link(client, cli, smtp_server)

    response = client.post(link, follow_redirects=True)

    assert "Votre adresse électronique nouvelle@exemple.fr est confirmée." in response.text
    assert "Se déconnecter" in response.text
    assert new_user().email_confirmed_at == clock.now()


def test_a_used_link_is_refused_with_a_way_to_get_a_new_one(client, cli, smtp_server):
    link = registered_link(client, cli, smtp_server)
    client.post(link)
    client.post("/deconnexion")

    again = client.post(link)
    shown = client.get(link)

    assert again.status_code == shown.status_code == 410
    assert "Ce lien a déjà été utilisé." in again.text
    assert "demander un nouveau lien de confirmation" in shown.text


def test_an_expired_link_is_refused_and_the_address_stays_unconfirmed(
    client, cli, smtp_server, clock
):
    link = registered_link(client, cli, smtp_server)
    clock.advance(hours=48, seconds=1)

    response = client.post(link)

    assert response.status_code == 410
    assert "Ce lien a expiré" in response.text
    assert "valable que pendant 48 heures" in response.text
    assert new_user().is_confirmed is False


def test_a_link_still_works_just_before_it_expires(client, cli, smtp_server, clock):
    link = registered_link(client, cli, smtp_server)
    clock.advance(hours=47, minutes=59)

    response = client.post(link)

    assert response.status_code == 302
    assert new_user().is_confirmed


def test_an_unknown_or_truncated_link_is_refused(client, cli, smtp_server):
    link = registered_link(client, cli, smtp_server)

    truncated = client.get(link[:-3])
    unknown = client.post("/compte/confirmer/nimportequoi")

    assert truncated.status_code == unknown.status_code == 410
    assert "Ce lien n’est pas valide." in unknown.text
    assert new_user().is_confirmed is False


def test_an_unconfirmed_user_who_signs_in_is_reminded_to_confirm(client, cli, smtp_server):
    client.post("/compte/inscription", data=registration_form())

    response = client.post(
        "/connexion",
        data={"email": "nouvelle@exemple.fr", "password": registration_form()["password"]},
        follow_redirects=True,
    )

    assert "Bienvenue, Camille Durand." in response.text
    assert "n’est pas encore confirmée" in response.text


def test_a_signed_in_unconfirmed_user_gets_a_new_link_and_the_new_link_works(
    client, cli, smtp_server, login
):
    user = login(email_confirmed_at=None)

    page = client.get("/compte/confirmation/renvoyer")
    sent = client.post("/compte/confirmation/renvoyer", follow_redirects=True)
    link = link_in_mail(cli, smtp_server, user.email, "/compte/confirmer/")
    confirmed = client.post(link)

    assert "Envoyer un nouveau lien" in page.text
    assert "Un nouveau lien de confirmation vient d’être envoyé" in sent.text
    assert confirmed.status_code == 302
    assert user.is_confirmed


def test_an_expired_link_offers_a_signed_in_user_to_resend(client, cli, smtp_server, clock, login):
    user = login(email_confirmed_at=None)
    client.post("/compte/confirmation/renvoyer")
    link = link_in_mail(cli, smtp_server, user.email, "/compte/confirmer/")
    clock.advance(days=3)

    response = client.get(link)

    assert response.status_code == 410
    assert 'action="/compte/confirmation/renvoyer"' in response.text


def test_a_confirmed_user_is_told_there_is_nothing_to_resend(client, cli, login):
    login()

    response = client.post("/compte/confirmation/renvoyer", follow_redirects=True)

    assert "Votre adresse électronique est déjà confirmée." in response.text
    assert "0 courriel(s) envoyé(s)" in deliver(cli)


def test_once_one_link_is_used_the_older_ones_stop_working(client, cli, smtp_server, login):
    user = login(email_confirmed_at=None)
    client.post("/compte/confirmation/renvoyer")
    older = link_in_mail(cli, smtp_server, user.email, "/compte/confirmer/")
    client.post("/compte/confirmation/renvoyer")
    newer = link_in_mail(cli, smtp_server, user.email, "/compte/confirmer/")

    client.post(newer)
    response = client.post(older)

    assert older != newer
    assert response.status_code == 410
