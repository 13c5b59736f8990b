"""Opening an account through the registration form: rules, refusals, and no address disclosed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consultation.accounts.models import User
from consultation.extensions import db
from tests.accounts.mail import STRONG_PASSWORD, deliver, link_in_mail, registration_form

REGISTER = "/compte/inscription"


def account_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_registering_creates_an_unconfirmed_account_and_mails_a_confirmation_link(
    client, cli, smtp_server
):
    response = client.post(REGISTER, data=registration_form(show_name="y"), follow_redirects=True)

    user = db.session.scalar(select(User).where(User.email == "nouvelle@exemple.fr"))
    link = link_in_mail(cli, smtp_server, "nouvelle@exemple.fr", "/compte/confirmer/")
    mail = smtp_server.last_to("nouvelle@exemple.fr")
    assert "Consultez votre messagerie" in response.text
    assert "nouvelle@exemple.fr" in response.text
    assert (user.is_confirmed, user.profile.code, user.show_name, user.news_opt_in) == (
        False,
        "citoyen",
        True,
        False,
    )
    assert user.charter_accepted_at is not None
    assert mail["Subject"] == "Confirmez votre adresse électronique"
    assert "http://concertation.test/donnees-personnelles" in smtp_server.body(mail)
    assert len(link.rsplit("/", 1)[1]) >= 43  # 32 random bytes, base64url


def test_the_form_offers_active_profiles_in_their_order_with_links_to_charter_and_notice(client):
    response = client.get(REGISTER)

    labels = [
        "Professionnel de santé",
        "Établissement de santé ou médico-social",
        "Citoyen",
    ]
    positions = [response.text.find(label) for label in labels]
    assert response.status_code == 200
    assert -1 not in positions and positions == sorted(positions)
    assert 'href="/charte-de-moderation"' in response.text
    assert 'href="/donnees-personnelles"' in response.text
    assert "facultative" in response.text
    assert 'name="show_name" type="checkbox" value="y">' in response.text  # not checked


def test_the_header_and_the_login_page_link_to_registration(client):
    home = client.get("/")
    login = client.get("/connexion")

    assert 'href="/compte/inscription"' in home.text
    assert 'href="/compte/inscription"' in login.text
    assert 'href="/compte/mot-de-passe-oublie"' in login.text


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("court", "au moins 12 caractères"),
        ("azertyuiop123", "trop courant"),
        ("motdepasse123", "trop courant"),
        ("aaaaaaaaaaaaaaaa", "trop courant"),
    ],
)
def test_a_short_weak_or_common_password_is_refused_and_the_typed_values_are_kept(
    client, password, message
):
    data = registration_form(password=password, password_confirmation=password)

    response = client.post(REGISTER, data=data)

    assert response.status_code == 422
    assert message in response.text
    assert 'aria-describedby="password-messages"' in response.text
    assert 'value="nouvelle@exemple.fr"' in response.text
    assert 'value="Camille Durand"' in response.text
    assert password not in response.text.split("<main", 1)[1]
    assert account_count() == 0


def test_a_password_made_of_the_name_is_refused(client):
    data = registration_form(password="camille durand", password_confirmation="camille durand")

    response = client.post(REGISTER, data=data)

    assert response.status_code == 422
    assert "trop facile à deviner" in response.text


def test_a_mismatched_confirmation_is_refused(client):
    data = registration_form(password_confirmation=STRONG_PASSWORD + " bis")

    response = client.post(REGISTER, data=data)

    assert response.status_code == 422
    assert "Les deux mots de passe saisis ne sont pas identiques." in response.text
    assert account_count() == 0


def test_industry_needs_an_organisation_and_keeps_what_was_typed(client):
    data = registration_form(profile="industriel", hatvp_number="H123456789")

    response = client.post(REGISTER, data=data)

    assert response.status_code == 422
    assert "Indiquez votre organisation : elle est obligatoire pour le profil" in response.text
    assert 'aria-describedby="organisation-messages"' in response.text
    assert '<option selected value="industriel">' in response.text
    assert 'value="H123456789"' in response.text
    assert account_count() == 0


def test_an_industry_account_with_its_organisation_and_hatvp_number_is_created(client):
    data = registration_form(
        profile="industriel", organisation="Éditeur Santé SAS", hatvp_number="H123456789"
    )

    response = client.post(REGISTER, data=data)

    user = db.session.scalar(select(User))
    assert response.status_code == 302
    assert (user.organisation, user.hatvp_number) == ("Éditeur Santé SAS", "H123456789")


def test_a_citizen_needs_no_organisation(client):
    response = client.post(REGISTER, data=registration_form(profile="citoyen", organisation=""))

    assert response.status_code == 302
    assert db.session.scalar(select(User.organisation)) is None


def test_a_missing_or_unknown_profile_is_refused(client):
    missing = client.post(REGISTER, data=registration_form(profile=""))
    unknown = client.post(REGISTER, data=registration_form(profile="pirate"))

    assert missing.status_code == unknown.status_code == 422
    assert "Choisissez votre profil." in missing.text
    assert "Choisissez votre profil dans la liste." in unknown.text
    assert account_count() == 0


def test_the_charter_and_the_personal_data_notice_must_be_accepted(client):
    data = registration_form(accept_charter=None, accept_privacy_notice=None)

    response = client.post(REGISTER, data=data)

    assert response.status_code == 422
    assert "Acceptez la charte de modération pour créer un compte." in response.text
    assert "Prenez connaissance de la notice sur les données personnelles" in response.text
    assert account_count() == 0


def test_a_taken_address_gets_the_same_answer_and_its_owner_is_told_by_mail(
    client, cli, make_user, smtp_server
):
    owner = make_user(email="prise@exemple.fr")

    response = client.post(REGISTER, data=registration_form(email="Prise@Exemple.fr"))
    page = client.get(response.headers["Location"])
    deliver(cli)

    mail = smtp_server.last_to("prise@exemple.fr")
    assert response.status_code == 302
    assert response.headers["Location"] == "/compte/courriel-envoye"
    assert "Consultez votre messagerie" in page.text
    assert "Se connecter" in page.text  # nobody was signed in, as for a new address
    assert mail["Subject"] == "Tentative de création de compte avec votre adresse"
    assert smtp_server.link(mail, "/connexion") == "http://concertation.test/connexion"
    assert smtp_server.link(mail, "/compte/mot-de-passe-oublie")
    assert len(smtp_server.messages) == 1
    assert account_count() == 1
    assert owner.display_name != "Camille Durand"


def test_a_new_address_and_a_taken_one_look_alike_to_the_visitor(client, make_user):
    make_user(email="prise@exemple.fr")

    new = client.post(REGISTER, data=registration_form(), follow_redirects=True)
    client.get("/compte/inscription")
    taken = client.post(
        REGISTER, data=registration_form(email="prise@exemple.fr"), follow_redirects=True
    )

    assert new.status_code == taken.status_code == 200
    assert new.text.replace("nouvelle@exemple.fr", "X") == taken.text.replace(
        "prise@exemple.fr", "X"
    )


@pytest.fixture
def antispam(app):
    app.config["ANTISPAM_ENABLED"] = True
    yield
    app.config["ANTISPAM_ENABLED"] = False


def test_a_filled_honeypot_is_refused(client, antispam, clock):
    form = client.get(REGISTER).text
    started_at = form.split('name="started_at" type="hidden" value="')[1].split('"')[0]
    clock.advance(seconds=30)

    response = client.post(
        REGISTER, data=registration_form(website="http://spam.example", started_at=started_at)
    )

    assert response.status_code == 422
    assert "Le formulaire n’a pas pu être accepté." in response.text
    assert account_count() == 0


def test_a_form_sent_too_fast_is_refused_then_accepted_after_a_while(client, antispam, clock):
    form = client.get(REGISTER).text
    started_at = form.split('name="started_at" type="hidden" value="')[1].split('"')[0]
    clock.advance(seconds=1)

    too_fast = client.post(REGISTER, data=registration_form(started_at=started_at))
    clock.advance(seconds=10)
    in_time = client.post(REGISTER, data=registration_form(started_at=started_at))

    assert too_fast.status_code == 422
    assert "Le formulaire a été envoyé trop vite." in too_fast.text
    assert in_time.status_code == 302
    assert account_count() == 1


def test_a_signed_in_user_is_not_offered_registration(client, login):
    login()

    response = client.get(REGISTER)

    assert response.status_code == 302
