"""Staff confirm sign-in with a code from their app; each code works once; contributors do not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consultation.accounts.models import User
from consultation.contributions.models import Status
from consultation.core.roles import Role
from consultation.extensions import db
from tests.accounts.mail import link_in_mail
from tests.factories import PASSWORD, staff_totp_secret, totp_code
from tests.test_access import guarded_routes

VERIFY = "/connexion/verification"
#: The pages of the second step itself, open to a session that gave only the password.
SECOND_STEP_ENDPOINTS = {"mfa.verify", "mfa.recover", "mfa.enrol"}


def enter_password(client, user: User, next_path: str | None = None):
    url = f"/connexion?next={next_path}" if next_path else "/connexion"
    return client.post(url, data={"email": user.email, "password": PASSWORD})


def enter_code(client, code: str, url: str = VERIFY):
    return client.post(url, data={"code": code})


def is_signed_in(client) -> bool:
    return "Se déconnecter" in client.get("/").text


def wrong_code(user: User) -> str:
    """A well-formed code that none of the three accepted time steps shows."""
    accepted = {totp_code(user.email, offset) for offset in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1000) if f"{n:06d}" not in accepted)


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", display_name="Mona Dérateur")


def test_a_staff_password_leads_to_the_code_and_only_the_code_signs_in(client, clock, moderator):
    password_step = enter_password(client, moderator)
    signed_in_before_code = is_signed_in(client)

    response = enter_code(client, totp_code(moderator.email))

    assert password_step.location == VERIFY
    assert not signed_in_before_code
    assert response.location == "/"
    assert "Bienvenue, Mona Dérateur." in client.get("/").text
    assert is_signed_in(client)


def test_the_code_page_asks_for_the_code_and_offers_a_recovery_code(client, clock, moderator):
    enter_password(client, moderator)

    page = client.get(VERIFY).text

    assert "Confirmer la connexion" in page
    assert 'autocomplete="one-time-code"' in page
    assert 'href="/connexion/code-de-secours"' in page


def test_a_wrong_code_is_refused_on_its_field_and_signs_nobody_in(client, clock, moderator):
    enter_password(client, moderator)

    response = enter_code(client, wrong_code(moderator))

    assert response.status_code == 401
    assert 'aria-describedby="code-messages"' in response.text
    assert "Ce code n’est pas le bon." in response.text
    assert not is_signed_in(client)


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567"])
def test_a_malformed_code_is_answered_422_with_the_expected_format(client, clock, moderator, code):
    enter_password(client, moderator)

    response = enter_code(client, code)

    assert response.status_code == 422
    assert "6 chiffres" in response.text
    assert db.session.get(User, moderator.id).failed_login_count == 0


def test_a_code_with_a_space_in_the_middle_passes(client, clock, moderator):
    enter_password(client, moderator)
    code = totp_code(moderator.email)

    response = enter_code(client, f"{code[:3]} {code[3:]}")

    assert response.location == "/"


def test_a_code_that_signed_in_once_is_refused_the_second_time(app, client, clock, moderator):
    code = totp_code(moderator.email)
    enter_password(client, moderator)
    enter_code(client, code)
    client.post("/deconnexion")
    enter_password(client, moderator)

    replayed = enter_code(client, code)

    assert replayed.status_code == 401
    assert "Ce code a déjà servi." in replayed.text
    assert not is_signed_in(client)


def test_the_same_code_from_two_browsers_signs_only_one_in(app, clock, moderator):
    laptop, phone = app.test_client(), app.test_client()
    enter_password(laptop, moderator)
    enter_password(phone, moderator)
    code = totp_code(moderator.email)

    first, second = enter_code(laptop, code), enter_code(phone, code)

    assert (first.status_code, second.status_code) == (302, 401)
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)


def sign_in_with(app, user: User, code: str):
    browser = app.test_client()
    enter_password(browser, user)
    return enter_code(browser, code)


def test_the_codes_of_the_step_before_and_after_pass_once_each(app, clock, moderator):
    before, current, after = (totp_code(moderator.email, offset) for offset in (-1, 0, 1))

    results = [
        sign_in_with(app, moderator, before).status_code,
        sign_in_with(app, moderator, after).status_code,
        sign_in_with(app, moderator, current).status_code,  # older than the step just used
        sign_in_with(app, moderator, after).status_code,
    ]

    assert results == [302, 302, 401, 401]


def test_codes_older_or_newer_than_one_step_are_wrong(app, clock, moderator):
    too_old, too_new = totp_code(moderator.email, -2), totp_code(moderator.email, 2)

    responses = [sign_in_with(app, moderator, code) for code in (too_old, too_new)]

    assert [response.status_code for response in responses] == [401, 401]
    assert all("Ce code n’est pas le bon." in response.text for response in responses)


def test_the_code_follows_the_application_clock(app, clock, moderator):
    code_now = totp_code(moderator.email)
    clock.advance(minutes=2)

    stale = sign_in_with(app, moderator, code_now)
    fresh = sign_in_with(app, moderator, totp_code(moderator.email))

    assert (stale.status_code, fresh.status_code) == (401, 302)


def test_contributors_sign_in_with_their_password_alone(client, make_user):
    user = make_user(display_name="Camille")

    response = client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )

    assert response.location == "/"
    assert "Bienvenue, Camille." in client.get("/").text
    assert client.get_cookie("remember_token", domain="concertation.test") is not None
    assert client.get(VERIFY).status_code == 403


def test_staff_sessions_are_never_remembered(client, clock, moderator):
    client.post(
        "/connexion", data={"email": moderator.email, "password": PASSWORD, "remember": "y"}
    )
    enter_code(client, totp_code(moderator.email))

    assert client.get_cookie("remember_token", domain="concertation.test") is None


@pytest.mark.parametrize("role", ["moderator", "analyst", "admin"])
def test_a_password_alone_opens_no_guarded_route(app, client, clock, make_user, role):
    enter_password(client, make_user(role=role))

    for endpoint, url, method, _ in guarded_routes(app):
        response = client.open(url, method=method)

        if endpoint in SECOND_STEP_ENDPOINTS:
            continue
        assert response.status_code == 302, (endpoint, method)
        assert response.location.startswith(f"{VERIFY}?next="), (endpoint, method)


def test_a_password_alone_shows_no_staff_view_of_public_pages(
    client, clock, moderator, make_contribution
):
    pending = make_contribution(status=Status.PENDING, body="Texte encore en modération.")
    enter_password(client, moderator)

    before_code = client.get(f"/contributions/{pending.reference}")
    enter_code(client, totp_code(moderator.email))
    after_code = client.get(f"/contributions/{pending.reference}")

    assert before_code.status_code == 404
    assert "Se connecter" in before_code.text
    assert after_code.status_code == 200
    assert "Texte encore en modération." in after_code.text


def test_next_is_kept_through_the_code(client, clock, moderator):
    password_step = enter_password(client, moderator, next_path="/moderation/")

    response = enter_code(client, totp_code(moderator.email), url=password_step.location)

    assert password_step.location == f"{VERIFY}?next=/moderation/"
    assert response.location == "/moderation/"


def test_a_guarded_page_asked_half_way_is_shown_once_the_code_passes(client, clock, moderator):
    enter_password(client, moderator)

    sent_to = client.get("/moderation/?statut=publiees").location
    response = enter_code(client, totp_code(moderator.email), url=sent_to)

    assert sent_to.startswith(f"{VERIFY}?next=")
    assert response.location == "/moderation/?statut=publiees"


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_foreign_next_targets_are_refused_after_the_code(client, clock, moderator, target):
    enter_password(client, moderator)
    code = totp_code(moderator.email)

    response = client.post(VERIFY, query_string={"next": target}, data={"code": code})

    assert response.location == "/"


def test_signed_in_staff_asking_for_the_code_page_go_on(client, login):
    login(role="analyst")

    response = client.get(VERIFY, query_string={"next": "/compte/"})

    assert response.location == "/compte/"


def test_logging_out_half_way_forgets_the_password_step(client, clock, moderator):
    enter_password(client, moderator)
    client.post("/deconnexion")

    response = enter_code(client, totp_code(moderator.email))

    assert response.location.startswith("/connexion?next=")
    assert not is_signed_in(client)


def test_a_password_change_keeps_a_staff_session_signed_in(client, login):
    login(role="moderator")
    new_password = "une toute nouvelle phrase secrète"

    response = client.post(
        "/compte/mot-de-passe",
        data={
            "current_password": PASSWORD,
            "new_password": new_password,
            "confirmation": new_password,
        },
    )

    assert response.status_code == 302
    assert client.get("/compte/").status_code == 200


def test_staff_sign_in_with_a_password_alone_when_the_setting_is_off(app, client, moderator):
    app.config["STAFF_MFA_REQUIRED"] = False
    try:
        response = enter_password(client, moderator)
        moderation = client.get("/moderation/")
    finally:
        app.config["STAFF_MFA_REQUIRED"] = True

    assert response.location == "/"
    assert moderation.status_code == 200


def test_a_disabled_account_half_way_is_not_signed_in_by_its_code(client, clock, moderator):
    enter_password(client, moderator)
    db.session.scalar(select(User).where(User.id == moderator.id)).is_enabled = False
    db.session.commit()

    response = enter_code(client, totp_code(moderator.email))

    assert response.location.startswith("/connexion?next=")


def test_a_remember_me_cookie_of_old_does_not_stand_in_the_way(client, clock, make_user):
    user = make_user(display_name="Promue")
    client.post("/connexion", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    user.role, user.totp_secret = Role.MODERATOR, staff_totp_secret(user.email)
    user.totp_confirmed_at = clock.now()
    user.end_all_sessions()  # the remember-me cookie now names an ended session
    db.session.commit()

    enter_password(client, user)
    response = enter_code(client, totp_code(user.email))

    assert response.location == "/"
    assert is_signed_in(client)
    assert client.get_cookie("remember_token", domain="concertation.test") is None


def test_a_password_reset_by_mail_leads_staff_to_their_code(
    client, cli, clock, moderator, smtp_server
):
    client.post("/compte/mot-de-passe-oublie", data={"email": moderator.email})
    link = link_in_mail(cli, smtp_server, moderator.email, "/compte/reinitialiser/")
    new_password = "une toute nouvelle phrase secrète"

    response = client.post(
        link, data={"new_password": new_password, "new_password_confirmation": new_password}
    )
    signed_in_before_code = is_signed_in(client)
    enter_code(client, totp_code(moderator.email))

    assert response.location == VERIFY
    assert not signed_in_before_code
    assert is_signed_in(client)
