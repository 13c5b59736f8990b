"""Signing in and out, and accounts created by command."""

from sqlalchemy import func, select

from consultation.accounts.models import User
from consultation.extensions import db
from tests.factories import PASSWORD, totp_code


def test_a_user_signs_in_with_email_in_any_case_and_is_greeted(client, make_user):
    make_user(email="claire@exemple.fr", display_name="Claire")

    response = client.post(
        "/connexion",
        data={"email": "Claire@Exemple.FR", "password": PASSWORD},
        follow_redirects=True,
    )

    assert "Bienvenue, Claire." in response.text
    assert "Se déconnecter" in response.text


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, make_user):
    user = make_user()

    wrong_password = client.post(
        "/connexion", data={"email": user.email, "password": "mauvais mot de passe"}
    )
    unknown_email = client.post("/connexion", data={"email": "x@exemple.fr", "password": PASSWORD})

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in wrong_password.text
    assert "Adresse électronique ou mot de passe incorrect." in unknown_email.text


def test_an_invalid_email_gets_a_message_tied_to_its_field(client):
    response = client.post("/connexion", data={"email": "pas-une-adresse", "password": "x"})

    assert response.status_code == 422
    assert 'aria-describedby="email-messages"' in response.text
    assert "Saisissez une adresse électronique valide" in response.text


def test_a_disabled_account_cannot_sign_in(client, make_user):
    user = make_user(is_enabled=False)

    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 401


def test_after_login_only_local_paths_are_followed(client, make_user):
    user = make_user()
    credentials = {"email": user.email, "password": PASSWORD}

    response = client.post("/connexion?next=//evil.example/x", data=credentials)

    assert response.headers["Location"] == "/"


def test_after_login_the_requested_local_page_is_shown(client, make_user):
    user = make_user(role="admin")

    password_step = client.post(
        "/connexion?next=/admin/", data={"email": user.email, "password": PASSWORD}
    )
    response = client.post(password_step.location, data={"code": totp_code(user.email)})

    assert response.headers["Location"] == "/admin/"


def test_logout_is_a_post_and_ends_the_session(client, login):
    login()

    by_get = client.get("/deconnexion")
    by_post = client.post("/deconnexion", follow_redirects=True)

    assert by_get.status_code == 405
    assert "Vous êtes déconnecté." in by_post.text
    assert "Se connecter" in by_post.text


def test_users_create_generates_a_password_printed_once_that_works(cli, client):
    result = cli.invoke(args=["users", "create", "Moderation@Exemple.fr", "--role", "moderator"])

    password = result.output.split("Mot de passe (affiché une seule fois) : ")[1].strip()
    response = client.post(
        "/connexion", data={"email": "moderation@exemple.fr", "password": password}
    )
    assert result.exit_code == 0
    assert response.status_code == 302
    assert (
        db.session.scalar(select(User.role).where(User.email == "moderation@exemple.fr"))
        == "moderator"
    )


def test_users_create_reads_the_password_from_stdin(cli, client):
    result = cli.invoke(
        args=["users", "create", "a@exemple.fr", "--password-stdin"], input=PASSWORD + "\n"
    )

    response = client.post("/connexion", data={"email": "a@exemple.fr", "password": PASSWORD})
    assert result.exit_code == 0
    assert "Mot de passe" not in result.output
    assert response.status_code == 302


def test_users_create_refuses_a_taken_address_and_a_short_password(cli, make_user):
    make_user(email="pris@exemple.fr")

    taken = cli.invoke(args=["users", "create", "PRIS@exemple.fr"])
    short = cli.invoke(
        args=["users", "create", "b@exemple.fr", "--password-stdin"], input="court\n"
    )

    assert taken.exit_code != 0
    assert "Un compte existe déjà" in taken.output
    assert short.exit_code != 0
    assert "au moins 12 caractères" in short.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_passwords_are_stored_with_scrypt(make_user):
    user = make_user()

    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
