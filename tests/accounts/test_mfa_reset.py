"""An admin (or an operator) resets a lost second factor: the person's sessions end, they enrol."""

from __future__ import annotations

from sqlalchemy import select

from consultation.accounts.models import RecoveryCode, User
from consultation.core.audit import COMMAND_LINE, AuditEvent
from consultation.extensions import db
from tests.factories import PASSWORD, totp_code


def signed_in_browser(app, user: User):
    browser = app.test_client()
    browser.post("/connexion", data={"email": user.email, "password": PASSWORD})
    browser.post("/connexion/verification", data={"code": totp_code(user.email)})
    assert "Se déconnecter" in browser.get("/").text
    return browser


def reset_url(user: User) -> str:
    return f"/admin/utilisateurs/{user.id}/second-facteur/reinitialiser"


def test_the_admin_list_shows_staff_and_the_state_of_their_factor(client, clock, login, make_user):
    login(role="admin")
    make_user(role="moderator", email="mona@exemple.fr")
    make_user(role="analyst", email="anna@exemple.fr", totp_secret=None, totp_confirmed_at=None)
    make_user(email="camille@exemple.fr")

    page = client.get("/admin/second-facteur").text

    assert "mona@exemple.fr" in page
    assert "Enregistrée le 2 mars 2026" in page
    assert "anna@exemple.fr" in page
    assert "À enregistrer à la prochaine connexion" in page
    assert "camille@exemple.fr" not in page
    assert 'href="/admin/second-facteur"' in client.get("/admin/").text


def test_an_admin_reset_ends_the_sessions_and_asks_for_a_new_app(
    app, client, clock, login, make_user
):
    moderator = make_user(role="moderator")
    phone = signed_in_browser(app, moderator)
    login(role="admin")

    confirmation = client.get(reset_url(moderator))
    response = client.post(reset_url(moderator))
    next_sign_in = app.test_client()
    next_sign_in.post("/connexion", data={"email": moderator.email, "password": PASSWORD})

    user = db.session.get(User, moderator.id)
    assert "Réinitialiser le second facteur" in confirmation.text
    assert response.location == "/admin/second-facteur"
    assert (user.totp_secret, user.totp_confirmed_at, user.totp_last_step) == (None, None, None)
    assert (
        db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    )
    assert "Se connecter" in phone.get("/").text
    assert phone.get("/moderation/").location.startswith("/connexion?next=")
    assert next_sign_in.get("/connexion/verification").location == "/connexion/securite"


def test_an_admin_reset_is_recorded_with_the_admin_as_actor(client, clock, login, make_user):
    moderator = make_user(role="moderator")
    admin = login(role="admin")

    client.post(reset_url(moderator))

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mfa.reset"))
    assert (event.actor_id, event.object_id) == (admin.id, str(moderator.id))
    assert event.before == {"is_enrolled": True, "recovery_code_count": 0}
    assert event.after == {"is_enrolled": False, "recovery_code_count": 0}


def test_the_get_of_the_reset_page_changes_nothing(client, clock, login, make_user):
    moderator = make_user(role="moderator")
    login(role="admin")

    client.get(reset_url(moderator))

    assert db.session.get(User, moderator.id).totp_secret is not None
    assert (
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mfa.reset")).all() == []
    )


def test_a_contributor_has_no_second_factor_to_reset(client, clock, login, make_user):
    contributor = make_user()
    login(role="admin")

    assert client.get(reset_url(contributor)).status_code == 404
    assert client.post(reset_url(contributor)).status_code == 404


def test_the_reset_command_ends_the_sessions_and_is_recorded(app, cli, clock, make_user):
    analyst = make_user(role="analyst", email="anna@exemple.fr")
    laptop = signed_in_browser(app, analyst)

    result = cli.invoke(args=["users", "reset-mfa", "Anna@Exemple.fr"])

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mfa.reset"))
    assert result.exit_code == 0, result.output
    assert "Second facteur de anna@exemple.fr réinitialisé" in result.output
    assert db.session.get(User, analyst.id).totp_secret is None
    assert "Se connecter" in laptop.get("/").text
    assert (event.actor_id, event.actor_label) == (None, COMMAND_LINE)


def test_the_reset_command_refuses_an_unknown_or_contributor_address(cli, make_user):
    contributor = make_user()

    results = [
        cli.invoke(args=["users", "reset-mfa", address])
        for address in ("inconnue@exemple.fr", contributor.email)
    ]

    assert [result.exit_code for result in results] == [1, 1]
    assert "Aucun compte de l’équipe" in results[1].output
